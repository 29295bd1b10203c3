import ArgumentParser

/// `ebid expert`: the expert pool (专家库), kept by supervisors.
struct Expert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expert",
        abstract: "The expert pool: add, list, suspend and restore experts (supervisors); every change is in the ledger.",
        discussion: """
        An expert is a registered party with the expert role (its certificate
        is how it logs in); the pool adds its specialties, the region whose
        centre registered it (remote evaluation across regions, 异地评标) and
        its declared relations to companies (recusal).

          expert add --file profile.json
            {"id": "expert-46", "specialties": ["桥梁"], "region": "350200", "relations": []}
          expert list
          expert suspend --id expert-20 --reason "…"   left out of draws
          expert restore --id expert-20 --reason "…"
        """,
        subcommands: [ExpertAdd.self, ExpertList.self, ExpertSuspend.self, ExpertRestore.self]
    )
}
