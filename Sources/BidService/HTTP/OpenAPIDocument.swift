import BidDesks
import BidDomain
import Foundation

/// The OpenAPI 3.1 document of the API, generated from the route table: every route with its
/// method, path parameters, who may call it (`x-ebid-access`, and the bearer scheme where a role
/// is needed) and what it takes and answers. Served at `GET /v1/openapi.json`; the copy in the
/// repository (`docs/openapi.json`) is checked against a freshly built route table by
/// OpenAPITests, and schemathesis runs against it (Tests/EndToEndTests/SchemathesisTests.swift).
///
/// Bodies are described by media type; the fields of each are in docs/http-api.md. Errors are
/// RFC 9457 problem documents with a stable `code`.
public enum OpenAPIDocument {
    /// Routes whose request body is not JSON, by `METHOD path`.
    static let requestMedia: [String: [String]] = [
        "PUT /v1/tenders/:id/bid": ["application/vnd.ebid.sealed-bid"],
        "PUT /v1/tenders/:id/documents/:name": ["application/octet-stream", "application/pdf", "text/plain"],
        "PUT /v1/tenders/:id/amendments/:number/documents/:name": ["application/octet-stream", "application/pdf", "text/plain"],
        "POST /v1/admin/crl": ["application/pkix-crl", "application/x-pem-file", "application/octet-stream"],
    ]

    /// Routes whose successful answer is not JSON.
    static let responseMedia: [String: [String]] = [
        "GET /v1/platform/certificate": ["application/x-pem-file"],
        "GET /v1/tenders/:id/documents/:name": ["*/*"],
        "GET /v1/tenders/:id/evaluation/bids/:code/parts/:index": ["application/octet-stream"],
    ]

    /// Routes that answer 204 with no body.
    static let noContent: Set<String> = ["DELETE /v1/tenders/:id"]

    public static func make(_ specs: [RouteSpec], profile: PolicyProfile) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for spec in specs {
            let key = "\(spec.method.rawValue) \(spec.path)"
            let segments = spec.path.split(separator: "/", omittingEmptySubsequences: false)
            let template = segments.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            let parameters = segments.filter { $0.hasPrefix(":") }.map { name -> JSONValue in
                .object(["name": .string(String(name.dropFirst())), "in": .string("path"), "required": .bool(true),
                         "schema": .object(["type": .string("string"), "minLength": .number("1")])])
            }
            let isPage = !spec.path.hasPrefix("/v1/")
            var operation: [String: JSONValue] = [
                "operationId": .string(operationId(spec)),
                "summary": .string(spec.summary),
                "x-ebid-access": .string(spec.access.description),
                "responses": .object(responses(for: key, page: isPage)),
            ]
            if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
            switch spec.access {
            case .anyone:
                // A token is optional: an owner sees its drafts.
                operation["security"] = .array([.object([:]), .object(["bearer": .array([])])])
            case .roles:
                operation["security"] = .array([.object(["bearer": .array([])])])
            }
            if [.post, .put, .patch].contains(spec.method) {
                let media = requestMedia[key] ?? ["application/json"]
                operation["requestBody"] = .object([
                    "required": .bool(false),
                    "content": .object(Dictionary(uniqueKeysWithValues: media.map { type in
                        (type, JSONValue.object(type == "application/json" ? ["schema": .object(["type": .string("object")])] : [:]))
                    })),
                ])
            }
            if isPage { operation["tags"] = .array([.string("pages")]) }
            paths[template, default: [:]][spec.method.rawValue.lowercased()] = .object(operation)
        }
        let problem: JSONValue = .object([
            "type": .string("object"),
            "required": .array(["type", "title", "status", "code"].map(JSONValue.string)),
            "properties": .object([
                "type": .object(["type": .string("string")]),
                "title": .object(["type": .string("string")]),
                "status": .object(["type": .string("integer"), "minimum": .number("400"), "maximum": .number("599")]),
                "detail": .object(["type": .string("string")]),
                "code": .object(["type": .string("string"), "pattern": .string("^[a-z0-9-]+(\\.[a-z0-9-]+)*$")]),
            ]),
        ])
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("ebid — electronic bidding for public resource trading"),
                "version": .string("1"),
                "x-ebid-profile": .string(profile.rawValue),
                "description": .string("Generated from the service's route table. Bodies and their fields: docs/http-api.md. Errors: RFC 9457 problem documents with a stable code. Log in with a certificate challenge (POST /v1/auth/challenge, then /v1/auth/token) and send Authorization: Bearer <token>."),
            ]),
            "jsonSchemaDialect": .string("https://spec.openapis.org/oas/3.1/dialect/base"),
            "paths": .object(paths.mapValues { JSONValue.object($0) }),
            "components": .object([
                "securitySchemes": .object(["bearer": .object(["type": .string("http"), "scheme": .string("bearer"),
                                                               "description": .string("a token from POST /v1/auth/token (8 hours)")])]),
                "schemas": .object(["Problem": problem]),
                "responses": .object([
                    "Problem": .object(["description": .string("An error: a problem document (RFC 9457) with a stable code"),
                                        "content": .object(["application/problem+json": .object(["schema": .object(["$ref": .string("#/components/schemas/Problem")])])])]),
                ]),
            ]),
        ])
    }

    static func responses(for key: String, page: Bool) -> [String: JSONValue] {
        var answers: [String: JSONValue] = [:]
        if noContent.contains(key) {
            answers["204"] = .object(["description": .string("Done; no body")])
        } else {
            let media = responseMedia[key] ?? (page ? ["text/html", "*/*"] : ["application/json"])
            answers["2XX"] = .object(["description": .string("Success"),
                                      "content": .object(Dictionary(uniqueKeysWithValues: media.map { type in
                                          (type, JSONValue.object(type == "application/json" ? ["schema": .object([:])] : [:]))
                                      }))])
        }
        if page {
            answers["3XX"] = .object(["description": .string("A redirect (the dashboard's login)")])
            // A page answers a refusal with a page; a wrong method or unknown path with a problem document.
            answers["4XX"] = .object(["description": .string("A page saying what went wrong, or a problem document"),
                                      "content": .object(["text/html": .object([:]),
                                                          "application/problem+json": .object(["schema": .object(["$ref": .string("#/components/schemas/Problem")])])])])
        } else {
            answers["4XX"] = .object(["$ref": .string("#/components/responses/Problem")])
        }
        answers["5XX"] = .object(["$ref": .string("#/components/responses/Problem")])
        return answers
    }

    static func operationId(_ spec: RouteSpec) -> String {
        let words = spec.path.split(separator: "/").map { $0.hasPrefix(":") ? "by-\($0.dropFirst())" : String($0) }
        return ([spec.method.rawValue.lowercased()] + words).joined(separator: "-")
            .map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "-" }.joined()
    }

    /// The document as the service serves it and the repository keeps it: pretty, sorted keys.
    public static func encoded(_ specs: [RouteSpec], profile: PolicyProfile) throws -> Data {
        var data = try JSONEncoder.ebidPretty.encode(make(specs, profile: profile))
        data.append(0x0A)
        return data
    }
}

extension OpenAPIDocument {
    /// The document of the routes a service with `configuration` serves (`ebid dev openapi`).
    public static func generate(_ configuration: ServiceConfiguration) throws -> Data {
        let (environment, clock) = try makeEnvironment(configuration)
        let routes = buildRouter(environment, clock: clock)
        return try encoded(routes.specs, profile: configuration.profile)
    }
}
