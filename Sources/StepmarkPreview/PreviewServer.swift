#if canImport(Glibc)
import Glibc
#endif
import FlyingFox
import FlyingSocks
import Foundation

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

    /// Checks that the port is free on 127.0.0.1 before FlyingFox binds it, so that a port in
    /// use is one clear sentence, not a socket error. (Port 0 is always free.)
    static func checkPortFree(_ port: UInt16) throws {
        guard port != 0 else { return }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError.cannotListen(String(cString: strerror(errno))) }
        defer { close(fd) }
        var yes: Int32 = 1
        // As FlyingFox does: a port left in TIME_WAIT by a previous preview is free.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            if errno == EADDRINUSE { throw StartError.portInUse(port) }
            throw StartError.cannotListen(String(cString: strerror(errno)))
        }
    }

    /// A server that listens.
    public final class Running: Sendable {
        let server: HTTPServer
        let task: Task<Void, Error>
        /// The port it listens on (the one chosen when `--port 0` was given).
        public let port: UInt16
        init(server: HTTPServer, task: Task<Void, Error>, port: UInt16) {
            self.server = server
            self.task = task
            self.port = port
        }
        /// Closes the listening socket and the open connections.
        public func stop() async {
            await server.stop(timeout: 1)
            task.cancel()
        }
    }

    /// Starts listening and returns once the server accepts connections.
    public func start() async throws -> Running {
        try Self.checkPortFree(options.port)
        let address = try sockaddr_in.inet(ip4: "127.0.0.1", port: options.port)
        let server = HTTPServer(address: address, timeout: 30, logger: .disabled)
        let site = self.site, hub = self.hub, present = options.present
        await server.appendRoute("GET /_preview/events") { request in
            if let refused = Self.refuseForeignHost(request) { return refused }
            var headers = HTTPHeaders()
            headers[HTTPHeader("Content-Type")] = "text/event-stream; charset=utf-8"
            headers[HTTPHeader("Cache-Control")] = "no-store"
            headers[HTTPHeader("X-Accel-Buffering")] = "no"
            return HTTPResponse(statusCode: .ok, headers: headers, body: HTTPBodySequence(from: hub.subscribe(), suggestedBufferSize: 4096))
        }
        await server.appendRoute("GET *") { request in
            if let refused = Self.refuseForeignHost(request) { return refused }
            return Self.page(for: request.path, site: site, present: present)
        }
        await server.appendRoute("HEAD *") { request in
            if let refused = Self.refuseForeignHost(request) { return refused }
            var response = Self.page(for: request.path, site: site, present: present)
            response.payload = .httpBody(HTTPBodySequence(data: Data()))
            return response
        }
        await server.appendRoute("*") { _ in
            HTTPResponse(statusCode: .methodNotAllowed, headers: [HTTPHeader("Allow"): "GET, HEAD"], body: Data("only GET and HEAD\n".utf8))
        }
        let task = Task { try await server.run() }
        do {
            try await server.waitUntilListening(timeout: 5)
        } catch {
            task.cancel()
            if case .failure(let e) = await task.result { throw StartError.cannotListen("\(e)") }
            throw StartError.cannotListen("\(error)")
        }
        var port = options.port
        if case .ip4(_, let p)? = await server.listeningAddress { port = p }
        return Running(server: server, task: task, port: port)
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

    static func refuseForeignHost(_ request: HTTPRequest) -> HTTPResponse? {
        guard !isLocalHost(request.headers[HTTPHeader("Host")]) else { return nil }
        return HTTPResponse(statusCode: .forbidden, headers: [HTTPHeader("Content-Type"): "text/plain; charset=utf-8"],
                            body: Data("stepmark preview answers requests for 127.0.0.1 or localhost only\n".utf8))
    }

    /// The response for a path: a lesson page or the index, decorated for the preview.
    static func page(for path: String, site: PreviewSite, present: Bool) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers[HTTPHeader("Content-Type")] = "text/html; charset=utf-8"
        headers[HTTPHeader("Cache-Control")] = "no-store"
        headers[HTTPHeader("Content-Security-Policy")] = PreviewPage.headerPolicy
        headers[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        let decoded = path.removingPercentEncoding ?? path
        if decoded == "/" || decoded == "/index.html" {
            let html = PreviewPage.decorate(site.index, page: "index", errors: [], present: false)
            return HTTPResponse(statusCode: .ok, headers: headers, body: Data(html.utf8))
        }
        if decoded.hasPrefix("/"), decoded.hasSuffix(".html") {
            let relative = String(decoded.dropFirst().dropLast(5))
            if let lesson = site.lesson(relative) {
                let html = PreviewPage.decorate(lesson.html, page: relative, errors: lesson.errors, present: present)
                return HTTPResponse(statusCode: .ok, headers: headers, body: Data(html.utf8))
            }
        }
        headers[HTTPHeader("Content-Type")] = "text/plain; charset=utf-8"
        return HTTPResponse(statusCode: .notFound, headers: headers, body: Data("no page \(decoded); the index is at /\n".utf8))
    }
}

/// Runs async work from synchronous code (the CLI's commands are synchronous) and waits for it.
public enum Blocking {
    private final class Box<T>: @unchecked Sendable { var value: Result<T, Error>? }

    public static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Result<T, Error> {
        let done = DispatchSemaphore(value: 0)
        let box = Box<T>()
        Task {
            do { box.value = .success(try await work()) } catch { box.value = .failure(error) }
            done.signal()
        }
        done.wait()
        return box.value!
    }
}
