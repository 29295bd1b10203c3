public enum ServiceProbe {}
