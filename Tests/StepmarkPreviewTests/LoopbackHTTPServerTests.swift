#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import StepmarkPreview
import StepmarkLesson
import StepmarkRender

/// The preview's own HTTP server, spoken to with raw sockets: what a browser sends, and what a
/// hostile or broken client sends.
@Suite("loopback HTTP server")
struct LoopbackHTTPServerTests {
    /// Connects to 127.0.0.1:`port`, sends `bytes`, and reads until the server closes (or
    /// `limit` bytes, or 5 s).
    static func exchange(_ port: UInt16, _ bytes: [UInt8], limit: Int = 1 << 20, closeAfterSending: Bool = false) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = LoopbackHTTPServer.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return "connect failed" }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if closeAfterSending { shutdown(fd, Int32(SHUT_WR)) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += chunk[..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func site() throws -> PreviewSite {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stepmark-http-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "# Hello\n\n```let\nx = 2\n```\n".write(toFile: root + "/a.md", atomically: false, encoding: .utf8)
        return PreviewSite(adapter: RenderAdapter(limits: Limits()), lessons: [(root + "/a.md", "a")], roots: [root])
    }

    @Test("pages, HEAD, 404, 405, 403, a malformed and an oversized request")
    func answers() throws {
        let hub = ReloadHub()
        let running = try PreviewServer(site: Self.site(), hub: hub, options: .init(port: 0, present: false)).start()
        defer { running.stop() }
        let port = running.port
        #expect(port != 0)

        let page = Self.exchange(port, Array("GET /a.html?x=1 HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n".utf8))
        #expect(page.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(page.prefix(200))")
        #expect(page.contains("Content-Security-Policy: ") && page.contains("Connection: close\r\n") && page.contains("Hello"))
        let length = page.components(separatedBy: "Content-Length: ").dropFirst().first.map { $0.prefix { $0.isNumber } }
        let body = page.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        #expect(length.flatMap { Int($0) } == body.utf8.count)

        let head = Self.exchange(port, Array("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n") && head.hasSuffix("\r\n\r\n") && !head.contains("<html"), "\(head)")

        #expect(Self.exchange(port, Array("GET /nope.html HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 404 "))
        let post = Self.exchange(port, Array("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc".utf8))
        #expect(post.hasPrefix("HTTP/1.1 405 ") && post.contains("Allow: GET, HEAD"))
        #expect(Self.exchange(port, Array("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 403 "))
        #expect(Self.exchange(port, Array("GET / HTTP/1.1\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 403 "))  // no Host at all

        for broken in ["hello\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/1.1\r\nno colon here\r\n\r\n", "get / HTTP/1.1\r\n\r\n",
                       "GET relative HTTP/1.1\r\n\r\n", "GET / SPDY/3\r\n\r\n"] {
            #expect(Self.exchange(port, Array(broken.utf8)).hasPrefix("HTTP/1.1 400 "), "\(broken)")
        }
        // A head that never ends: refused at 16 KiB, not read forever.
        let flood = "GET / HTTP/1.1\r\n" + String(repeating: "X-Filler: " + String(repeating: "a", count: 100) + "\r\n", count: 400)
        #expect(Self.exchange(port, Array(flood.utf8)).hasPrefix("HTTP/1.1 431 "))
        // A client that sends half a request and hangs up costs nothing.
        #expect(Self.exchange(port, Array("GET / HT".utf8), closeAfterSending: true) == "")
        // Invalid UTF-8 and NUL bytes in the head are answered, not a crash.
        let binary: [UInt8] = Array("GET /\u{0}\u{1} HTTP/1.1\r\nHost: localhost\r\nX: ".utf8) + [0xFF, 0xFE, 0xC0] + Array("\r\n\r\n".utf8)
        #expect(Self.exchange(port, binary).hasPrefix("HTTP/1.1 "))
        // Still serving after all of that.
        #expect(Self.exchange(port, Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 200 "))
    }

    /// Found by a red-team pass: a request head that trickled in a byte at a time held its
    /// connection for good (each read had its own 30 s), and 64 such locked the preview out.
    /// The whole head has 10 s.
    @Test("a request head that trickles in is cut off after 10 s")
    func trickle() throws {
        let running = try PreviewServer(site: Self.site(), hub: ReloadHub(), options: .init(port: 0, present: false)).start()
        defer { running.stop() }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = LoopbackHTTPServer.loopback(port: running.port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        var timeout = timeval(tv_sec: 0, tv_usec: 500_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let started = Date()
        var closedAfter: Double? = nil
        var byte: [UInt8] = [UInt8(ascii: "G")]
        while Date().timeIntervalSince(started) < 20 {
            _ = byte.withUnsafeBytes { send(fd, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }
            var chunk = [UInt8](repeating: 0, count: 16)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { closedAfter = Date().timeIntervalSince(started); break }
            byte = [UInt8(ascii: "E")]
        }
        let after = try #require(closedAfter, "the connection was never closed")
        #expect(after >= 9 && after < 13, "closed after \(after) s")
    }

    @Test("an event stream gets retry, then each reload, and ends when the preview stops")
    func events() throws {
        let hub = ReloadHub()
        let running = try PreviewServer(site: Self.site(), hub: hub, options: .init(port: 0, present: false)).start()
        let port = running.port
        let received = Mutex()
        let reader = Thread {
            received.set(Self.exchange(port, Array("GET /_preview/events HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)))
        }
        reader.start()
        // Wait until the page's subscription exists, then send it two reloads.
        let deadline = Date().addingTimeInterval(5)
        while hub.listenerCount == 0 && Date() < deadline { usleep(2_000) }
        #expect(hub.listenerCount == 1)
        hub.send(page: "a")
        hub.send(page: "index")
        usleep(100_000)
        running.stop()
        hub.close()
        while received.get() == nil && Date() < deadline.addingTimeInterval(5) { usleep(2_000) }
        let text = try #require(received.get())
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.contains("Content-Type: text/event-stream"), "\(text)")
        #expect(!text.contains("Content-Length"))
        #expect(text.contains("retry: 300\n") && text.contains("data: a\n\n") && text.contains("data: index\n\n"), "\(text)")
        #expect(hub.listenerCount == 0)
    }

    @Test("a port in use is one clear error")
    func portInUse() throws {
        let first = try PreviewServer(site: Self.site(), hub: ReloadHub(), options: .init(port: 0, present: false)).start()
        defer { first.stop() }
        #expect(throws: PreviewServer.StartError.self) {
            _ = try PreviewServer(site: Self.site(), hub: ReloadHub(), options: .init(port: first.port, present: false)).start()
        }
    }

    final class Mutex: @unchecked Sendable {
        private let lock = NSLock()
        private var value: String?
        func set(_ v: String) { lock.lock(); value = v; lock.unlock() }
        func get() -> String? { lock.lock(); defer { lock.unlock() }; return value }
    }
}
