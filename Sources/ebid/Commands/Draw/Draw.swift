import ArgumentParser

/// `ebid draw`: the verifiable expert draw.
struct Draw: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Verifiable expert draw (抽取专家): set it up, commit and reveal the seed's values, replace, verify offline.",
        discussion: """
        A draw's seed comes from values the host and a supervisor committed before the draw and
        revealed after it, and from the opening record's digest; the pool snapshot and the
        exclusions are fixed (by digest) before anyone reveals. The record lists all of it, so
        anyone can recompute the committee (docs/evaluation.md, "The draw algorithm").

          ebid draw run     --server … --cert … --key … --tender ID   (host)
          ebid draw commit  --server … --cert … --key … --tender ID   (host, supervisor)
          ebid draw reveal  --server … --cert … --key … --tender ID   (the same; the last reveal draws)
          ebid draw replace --tender ID --expert E --reason declined  (host)
          ebid draw show    --tender ID --out draw-record.json        (host, supervisor)
          ebid draw verify  --in draw-record.json                     (anyone, offline)
        """,
        subcommands: [DrawRun.self, DrawCommit.self, DrawReveal.self, DrawReplace.self, DrawShow.self, DrawVerify.self]
    )
}
