import ArgumentParser

struct Bid: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Seal, check and open bids (投标文件).",
        subcommands: [Seal.self, Verify.self, Unseal.self, Submit.self, Withdraw.self, Status.self, Decrypt.self, Confirm.self, Object.self]
    )
}
