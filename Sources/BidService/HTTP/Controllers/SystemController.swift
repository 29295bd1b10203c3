import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// Health, the platform certificate, ledger checkpoints, CRLs and, in the
/// demo profile only, the demo clock.
struct SystemController: Sendable {
    let environment: ServiceEnvironment
    let identities: IdentityDesk
    let supervision: Supervision
    let clock: AdjustableClock?

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/v1/health", .anyone, "Liveness; names the policy profile") { _, _, _ in
            struct Health: Encodable { var status = "ok"; var profile: PolicyProfile; var notice: String? }
            return try JSONBody.response(Health(profile: environment.profile, notice: environment.profile.notice))
        }
        routes.add(.get, "/v1/platform/certificate", .anyone, "The platform's signing certificate (PEM), to check receipts offline") { _, _, _ in
            Response(status: .ok, headers: [.contentType: "application/x-pem-file"],
                     body: .init(byteBuffer: ByteBuffer(string: environment.platform.certificate.pem)))
        }
        routes.add(.get, "/v1/ledger/checkpoints", .anyone, "Signed checkpoints of the ledger head (no sequence numbers)") { request, _, _ in
            let after = request.uri.queryParameters.get("after", as: Int64.self) ?? 0
            return try JSONBody.response(try await supervision.publicCheckpoints(after: after))
        }
        routes.add(.get, "/v1/trust/crls", .anyone, "The CRLs in force (PEM), for bidders to check their certificate before they seal") { _, _, _ in
            try JSONBody.response(TrustDesk(environment).crls())
        }
        routes.add(.post, "/v1/admin/crl", .roles([.admin]), "Put a newer CRL in force (body: the CRL, PEM or DER); sessions it revokes end") { request, context, caller in
            let body = try await request.body.collect(upTo: 16 << 20)
            let bytes = [UInt8](buffer: body)
            let crl: CertificateRevocationList
            do {
                crl = try CertificateRevocationList(encoded: bytes)
            } catch let error as BidCoreError {
                throw ServiceError.badRequest(error.code.rawValue, error.reason)
            }
            return try JSONBody.response(try await TrustDesk(environment).load(crl, by: try caller.actor()), status: .created)
        }
        if let clock {
            routes.add(.post, "/v1/demo/clock", .roles([.admin]), "Demo profile only: move the service clock forward") { request, context, caller in
                struct Advance: Decodable { var seconds: Double }
                let body = try await JSONBody.decode(Advance.self, from: request, context: context)
                guard body.seconds >= 0, body.seconds <= 86_400 * 400 else {
                    throw ServiceError.badRequest("demo.clock", "advance by 0 … 400 days of seconds")
                }
                clock.advance(by: body.seconds)
                let now = clock.now()
                let offset = clock.offsetSeconds
                try await environment.store.write { tx in
                    try tx.setMeta("demo-clock-offset", String(offset))
                    try tx.appendLedger(try LedgerEntry(actor: try caller.actor(), action: "demo.clock", object: "clock",
                                                        json: ["advancedSeconds": String(body.seconds), "now": iso(now)]), at: now)
                }
                struct Now: Encodable { var now: Date }
                return try JSONBody.response(Now(now: now))
            }
        }
    }
}
