@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Issue 14, the HTTP contract: the OpenAPI document is generated from the route table, so no
/// route is missing or extra; the copy in the repository is what the route table gives today; the
/// served one is the same; every operation says who may call it.
@Suite("The OpenAPI 3.1 document and the route table")
struct OpenAPITests {
    @Test("docs/openapi.json is what the route table gives (regenerate: swift run ebid dev openapi --out docs/openapi.json)")
    func repositoryCopy() async throws {
        let fixture = try await ServiceFixture(profile: .demo)
        let generated = try OpenAPIDocument.encoded(fixture.routes.specs, profile: .demo)
        let kept = try Data(contentsOf: URL(fileURLWithPath: "\(ProjectPaths.root)/docs/openapi.json"))
        #expect(generated == kept, "docs/openapi.json is out of date: run `swift run ebid dev openapi --out docs/openapi.json`")
        try await fixture.app.test(.router) { client in
            let served = try await client.execute(uri: "/v1/openapi.json", method: .get) { Data(buffer: $0.body) }
            #expect(served == generated, "the served document is not the route table's")
        }
    }

    @Test("every route is an operation with its access, parameters and error answers; no operation without a route")
    func everyRoute() async throws {
        let fixture = try await ServiceFixture(profile: .demo)
        let document = try JSONSerialization.jsonObject(with: try OpenAPIDocument.encoded(fixture.routes.specs, profile: .demo)) as! [String: Any]
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = document["paths"] as! [String: [String: Any]]
        var operations = Set<String>()
        for (path, methods) in paths { for method in methods.keys { operations.insert("\(method.uppercased()) \(path)") } }
        var routes = Set<String>()
        for spec in fixture.routes.specs {
            let template = spec.path.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            let key = "\(spec.method.rawValue) \(template)"
            routes.insert(key)
            let operation = try #require(paths[template]?[spec.method.rawValue.lowercased()] as? [String: Any], "\(key) is missing")
            #expect(operation["x-ebid-access"] as? String == spec.access.description, "\(key)")
            let security = operation["security"] as? [[String: Any]] ?? []
            switch spec.access {
            case .anyone: #expect(security.contains { $0.isEmpty }, "\(key): a public route needs no token")
            case .roles: #expect(security.count == 1 && security[0]["bearer"] != nil, "\(key): a role-protected route needs the bearer token")
            }
            let names = spec.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
            let parameters = (operation["parameters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(parameters == names, "\(key): path parameters")
            let responses = try #require(operation["responses"] as? [String: Any])
            #expect(responses["4XX"] != nil && responses["5XX"] != nil, "\(key): errors")
        }
        #expect(operations == routes, "operations without a route: \(operations.subtracting(routes).sorted()); routes without an operation: \(routes.subtracting(operations).sorted())")
        #expect(routes.contains("GET /v1/openapi.json") && routes.contains("POST /v1/demo/clock"))
    }
}
