import ArgumentParser

/// `ebid supervise`: the monitoring office's desk (电子监察).
struct Supervise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervise",
        abstract: "E-supervision (电子监察): cards, efficiency figures, the dashboard login; statements of steps done outside the platform.",
        discussion: """
        The service watches every time limit (ebid supervise rules) and raises by
        itself a reminder (催办) before it, a yellow card when it is missed, a red
        card when it is missed badly or by a party already carded; a card closes
        when its step is done and is never deleted. Anomalies are alerts.

          supervise alerts [--open] [--tender ID] [--json]     supervisors
          supervise efficiency [--json]                        supervisors
          supervise login                                      supervisors: a one-time dashboard link
          supervise rules [--json]                             anyone
          supervise statement --tender ID --step contract-signed --done-at 2026-06-01 --amount 35960500.00 --text "…"
                                                               the tender's owner, signed with its key
        """,
        subcommands: [SuperviseAlerts.self, SuperviseEfficiency.self, SuperviseLogin.self, SuperviseRules.self, SuperviseStatement.self]
    )
}
