import ArgumentParser

/// `ebid draw`: the verifiable expert draw.
struct Draw: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Verifiable expert draw (抽取专家): set it up, commit and reveal the seed's values, replace, verify offline.",
        discussion: """
        A draw's seed comes from values the host and a supervisor committed
        before the draw and revealed after it, and from the opening record's
        digest; the pool snapshot and the exclusions are fixed (by digest)
        before anyone reveals. The record lists all of it, so anyone can
        recompute the committee (docs/evaluation.md, "The verifiable draw").

          draw run [--representative ID]   the host sets it up
          draw commit                      host and supervisors
          draw reveal                      the last reveal draws
          draw replace --expert E --reason declined|absent|unreachable
          draw show --out FILE [--members] host and supervisors
          draw verify --in FILE            anyone, offline
        (each with --server --cert --key --tender, but verify)
        """,
        subcommands: [DrawRun.self, DrawCommit.self, DrawReveal.self, DrawReplace.self, DrawShow.self, DrawVerify.self]
    )
}
