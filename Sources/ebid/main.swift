print("ebid")
