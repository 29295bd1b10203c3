import BidCore
import BidDomain
import Foundation

/// Registers the demo parties of `<seeds>/parties.json` with their certificates from
/// `<keys>/<suite>/<id>.crt.pem`, loads the expert pool of `<seeds>/experts.json`, and imports
/// `<seeds>/credit-records.json`. Idempotent: a
/// restart with `--seed` adds nothing that is already there.
public enum Seeder {
    public struct Result: Sendable { public var parties: Int; public var experts: Int; public var creditRecords: Int }

    public static func seed(directory: String, keysDirectory: String, environment: ServiceEnvironment) async throws -> Result {
        let file = try PartiesFile.load(file: "\(directory)/parties.json")
        let identities = IdentityDesk(environment)
        var registered = 0
        for record in file.parties {
            let certificates = try Suite.allCases.compactMap { suite -> Certificate? in
                let path = "\(keysDirectory)/\(DemoPKI.directoryName(suite))/\(record.id).crt.pem"
                return FileManager.default.fileExists(atPath: path) ? try Certificate(file: path) : nil
            }
            let known = try await environment.store.read { tx -> Bool in
                guard let party = try tx.party(id: record.id), party == Party(record: record) else { return false }
                let have = Set(try tx.certificates(party: record.id).map(\.fingerprint))
                return certificates.allSatisfy { have.contains($0.fingerprint) }
            }
            if known { continue }
            try await identities.register(record, certificates: certificates, actor: environment.platformActor)
            registered += 1
        }
        var experts = 0
        let poolPath = "\(directory)/experts.json"
        if let data = FileManager.default.contents(atPath: poolPath) {
            let pool: ExpertPoolFile
            do { pool = try JSONDecoder.ebid.decodeStrict(ExpertPoolFile.self, from: data) } catch {
                throw ServiceError.unprocessable("seed.invalid", "\(poolPath) is not an expert pool file: \(describeDecodingError(error))")
            }
            experts = try await ExpertRegistry(environment).importPool(pool, by: environment.platformActor)
        }
        var imported = 0
        let recordsPath = "\(directory)/credit-records.json"
        if let data = FileManager.default.contents(atPath: recordsPath) {
            let records: CreditRegister.File
            do { records = try JSONDecoder.ebid.decode(CreditRegister.File.self, from: data) } catch {
                throw ServiceError.unprocessable("seed.invalid", "\(recordsPath) is not a credit records file: \(error)")
            }
            imported = try await CreditRegister(environment).importRecords(records.records, by: environment.platformActor).imported
        }
        return Result(parties: registered, experts: experts, creditRecords: imported)
    }
}
