import FoundationEssentials
import StepmarkCore

/// `stepmark preview`: the rendered course over HTTP on 127.0.0.1 only.
///
/// Routes: `/` and `/index.html` (the index), `/PATH.html` (a lesson, `PATH` as under
/// `render --out`), `/_preview/events` (Server-Sent Events). Everything else is 404; only GET
/// and HEAD are answered.
public struct PreviewServer: Sendable {
    public struct Options: Sendable {
        public var port: UInt16
        public var present: Bool
        public init(port: UInt16, present: Bool) {
            self.port = port
            self.present = present
        }
    }

    public enum StartError: Error, CustomStringConvertible {
        case portInUse(UInt16)
        case cannotListen(String)
        public var description: String {
            switch self {
            case .portInUse(let p): "port \(p) on 127.0.0.1 is in use; choose another with --port N (or --port 0 for any free port)"
            case .cannotListen(let m): "cannot listen on 127.0.0.1: \(m)"
            }
        }
    }

    let site: PreviewSite
    let hub: ReloadHub
    let options: Options

    public init(site: PreviewSite, hub: ReloadHub, options: Options) {
        self.site = site
        self.hub = hub
        self.options = options
    }

    /// A server that listens.
    public final class Running: Sendable {
        let server: LoopbackHTTPServer
        /// The port it listens on (the one chosen when `--port 0` was given).
        public var port: UInt16 { server.port }
        init(server: LoopbackHTTPServer) { self.server = server }
        /// Closes the listening socket and the open connections.
        public func stop() { server.stop() }
    }

    /// Starts listening and returns once the server accepts connections.
    /// - Throws: `StartError` when the port is in use or cannot be listened on.
    public func start() throws -> Running {
        let site = self.site, hub = self.hub, present = options.present
        let server = try LoopbackHTTPServer(port: options.port) { request in
            Self.respond(to: request, site: site, hub: hub, present: present)
        }
        server.start()
        return Running(server: server)
    }

    typealias Response = LoopbackHTTPServer.Response

    /// Routes one request: the Host check first, then GET and HEAD only.
    static func respond(to request: LoopbackHTTPServer.Request, site: PreviewSite, hub: ReloadHub, present: Bool) -> Response {
        guard isLocalHost(request.header("Host")) else {
            return Response(status: 403, headers: [("Content-Type", "text/plain; charset=utf-8")],
                            text: "stepmark preview answers requests for 127.0.0.1 or localhost only\n")
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return Response(status: 405, headers: [("Allow", "GET, HEAD"), ("Content-Type", "text/plain; charset=utf-8")],
                            text: "only GET and HEAD\n")
        }
        if request.path == "/_preview/events" {
            let headers = [("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-store"), ("X-Accel-Buffering", "no")]
            return Response(status: 200, headers: headers, body: request.method == "HEAD" ? .bytes([]) : .events(hub.subscribe()))
        }
        return page(for: request.path, site: site, present: present)
    }

    /// Whether a Host header names this machine's loopback. A page on another site could make
    /// the browser send requests here under its own name (DNS rebinding) and read the
    /// lessons; such requests carry that name in Host and are refused.
    static func isLocalHost(_ host: String?) -> Bool {
        guard let host = host?.lowercased(), !host.isEmpty else { return false }
        let name: String
        if host.hasPrefix("[") {
            name = String(host.prefix { $0 != "]" }) + "]"
        } else {
            name = String(host.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        }
        return ["127.0.0.1", "localhost", "[::1]"].contains(name)
    }

    /// The response for a path: a lesson page or the index, decorated for the preview.
    static func page(for path: String, site: PreviewSite, present: Bool) -> Response {
        let headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                       ("Content-Security-Policy", PreviewPage.headerPolicy), ("X-Content-Type-Options", "nosniff")]
        let decoded = PercentEncoding.decoded(path) ?? path
        if decoded == "/" || decoded == "/index.html" {
            return Response(status: 200, headers: headers, text: PreviewPage.decorate(site.index, page: "index", errors: [], present: false))
        }
        if decoded.hasPrefix("/"), decoded.hasSuffix(".html") {
            let relative = String(decoded.dropFirst().dropLast(5))
            if let lesson = site.lesson(relative) {
                return Response(status: 200, headers: headers,
                                text: PreviewPage.decorate(lesson.html, page: relative, errors: lesson.errors, present: present))
            }
        }
        return Response(status: 404, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
                        text: "no page \(decoded); the index is at /\n")
    }
}
