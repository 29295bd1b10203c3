import ArgumentParser

/// `ebid draw`: the verifiable expert draw.
struct Draw: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Verifiable expert draw (抽取专家): recompute a published draw record offline.",
        discussion: """
        A draw's seed comes from values the host and a supervisor committed before the draw and
        revealed after it, and from the opening record's digest; the pool snapshot and the
        exclusions are fixed (by digest) before anyone reveals. The record lists all of it, so
        anyone can recompute the committee (docs/evaluation.md, "The draw algorithm").

          ebid draw verify --in draw-record.json
        """,
        subcommands: [DrawVerify.self]
    )
}
