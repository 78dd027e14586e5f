#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import StepmarkCore

/// The preview's HTTP: a small HTTP/1.1 server on 127.0.0.1, one thread per connection.
///
/// Why not a package: the preview needs GET and HEAD on loopback and one endless
/// Server-Sent Events response, nothing else. The HTTP package it used before (FlyingFox)
/// carries a proxy handler built on URLSession, so every `stepmark` command, even
/// `--version`, linked FoundationNetworking and loaded libcurl with some thirty shared
/// libraries at start: half of the dist binary's start-up time (docs/CHOICES.md). What is
/// left is small enough to read in one sitting:
/// - one request per connection (`Connection: close`), so no keep-alive, pipelining or
///   chunked bodies; request bodies are never read;
/// - the request head is read up to 16 KiB (431 beyond) within 10 s in all, however its bytes
///   trickle in (a client that sent one byte now and then held its connection for good, and
///   64 of them locked the preview out: a red-team pass); each write has a 30 s timeout;
/// - at most 64 connections at once (the next ones are closed unanswered); an event stream
///   holds one until its page goes away or the preview stops;
/// - writes use `MSG_NOSIGNAL`: a page closed mid-response is a failed write, not SIGPIPE.
final class LoopbackHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        /// The request target without its query or fragment, still percent-encoded.
        var path: String
        /// Header names lower-cased; a repeated header keeps its first value.
        var headers: [String: String]

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    struct Response: Sendable {
        enum Body: Sendable {
            case bytes([UInt8])
            /// An endless body: the stream's events as they come, until it ends.
            case events(ReloadHub.Subscription)
        }
        var status: Int
        var headers: [(String, String)]
        var body: Body

        init(status: Int, headers: [(String, String)] = [], body: Body) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        init(status: Int, headers: [(String, String)] = [], text: String) {
            self.init(status: status, headers: headers, body: .bytes(Array(text.utf8)))
        }
    }

    typealias Handler = @Sendable (Request) -> Response

    static let maxHeadBytes = 16 * 1024
    static let maxConnections = 64
    static let timeoutSeconds = 30
    /// The time the whole request head may take to arrive.
    static let headSeconds = 10.0

    /// The port listened on (the system's choice when 0 was asked for).
    let port: UInt16
    private let listener: Int32
    private let handler: Handler
    private let lock = ThreadLock()
    private var connections: Set<Int32> = []
    private var streams: [Int32: ReloadHub.Subscription] = [:]
    private var stopped = false

    /// Binds 127.0.0.1:`port` and listens; `start()` begins accepting.
    init(port: UInt16, handler: @escaping Handler) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PreviewServer.StartError.cannotListen(String(cString: strerror(errno))) }
        var yes: Int32 = 1
        // A port left in TIME_WAIT by a previous preview is free to use again.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound != 0 || listen(fd, 64) != 0 {
            let code = errno
            close(fd)
            if code == EADDRINUSE { throw PreviewServer.StartError.portInUse(port) }
            throw PreviewServer.StartError.cannotListen(String(cString: strerror(code)))
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: actual.sin_port)
        self.listener = fd
        self.handler = handler
    }

    /// 127.0.0.1:`port` as the socket calls take it.
    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// Accepts connections on a thread of its own until `stop()`.
    func start() {
        startThread { [self] in acceptLoop() }
    }

    /// Stops accepting, ends the event streams and closes every open connection.
    func stop() {
        lock.lock()
        stopped = true
        let open = connections
        let running = Array(streams.values)
        lock.unlock()
        // shutdown wakes the accept and every blocked read or write; each thread closes its own.
        shutdown(listener, Int32(SHUT_RDWR))
        for s in running { s.finish() }
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let fd = accept(listener, nil, nil)
            // accept4 is not in Glibc's Swift overlay; nothing is exec'd meanwhile anyway.
            if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            lock.lock()
            let done = stopped
            lock.unlock()
            if done {
                if fd >= 0 { close(fd) }
                return
            }
            guard fd >= 0 else {
                // EINTR, or a transient shortage (EMFILE, ENOBUFS): wait a little, go on.
                if errno != EINTR { usleep(10_000) }
                continue
            }
            lock.lock()
            guard connections.count < Self.maxConnections else {
                lock.unlock()
                close(fd)
                continue
            }
            connections.insert(fd)
            lock.unlock()
            startThread { [self] in
                serve(fd)
                lock.lock()
                connections.remove(fd)
                streams[fd] = nil
                lock.unlock()
                close(fd)
            }
        }
    }

    private func serve(_ fd: Int32) {
        var timeout = timeval(tv_sec: Self.timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request: Request
        switch readHead(fd) {
        case .closed: return
        case .tooLarge: respond(fd, Response(status: 431, text: "request header too large\n"), head: false); return
        case .malformed: respond(fd, Response(status: 400, text: "malformed request\n"), head: false); return
        case .request(let r): request = r
        }
        let response = handler(request)
        if case .events(let stream) = response.body {
            lock.lock()
            if stopped {
                lock.unlock()
                stream.finish()
                return
            }
            streams[fd] = stream
            lock.unlock()
        }
        respond(fd, response, head: request.method == "HEAD")
        shutdown(fd, Int32(SHUT_WR))
    }

    enum Head {
        case request(Request)
        case closed, tooLarge, malformed
    }

    /// Reads up to the blank line that ends the request head.
    private func readHead(_ fd: Int32) -> Head {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(Self.headSeconds)
        while true {
            // Each read may wait only for what is left of the head's time.
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return .closed }
            var wait = timeval(tv_sec: Int(left), tv_usec: Int((left - left.rounded(.down)) * 1_000_000))
            if wait.tv_sec == 0 && wait.tv_usec == 0 { wait.tv_usec = 1 }
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return .closed }
            // Search only where the new bytes could complete "\r\n\r\n".
            let from = max(0, buffer.count - 3)
            buffer.append(contentsOf: chunk[..<n])
            if let end = Self.blankLine(in: buffer, from: from) {
                return Self.parse(buffer[..<end]).map(Head.request) ?? .malformed
            }
            if buffer.count > Self.maxHeadBytes { return .tooLarge }
        }
    }

    static func blankLine(in bytes: [UInt8], from: Int) -> Int? {
        var i = from
        while i + 3 < bytes.count {
            if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13, bytes[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// `METHOD TARGET HTTP/1.x` and `Name: value` lines; nil when it is not that.
    static func parse(_ head: ArraySlice<UInt8>) -> Request? {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }),
              parts[1].hasPrefix("/"), parts[2].hasPrefix("HTTP/1.") else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].lowercased()
            guard !name.isEmpty, !name.contains(" ") else { return nil }
            let value = line[line.index(after: colon)...].trimmingHorizontalWhitespace()
            if headers[name] == nil { headers[name] = value }
        }
        let target = parts[1]
        let path = target.prefix { $0 != "?" && $0 != "#" }
        return Request(method: String(parts[0]), path: String(path), headers: headers)
    }

    private func respond(_ fd: Int32, _ response: Response, head: Bool) {
        var text = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        if case .bytes(let body) = response.body { text += "Content-Length: \(body.count)\r\n" }
        text += "Connection: close\r\n\r\n"
        guard write(fd, Array(text.utf8)), !head else {
            if case .events(let stream) = response.body { stream.finish() }
            return
        }
        switch response.body {
        case .bytes(let body):
            _ = write(fd, body)
        case .events(let stream):
            while let event = stream.next() {
                if !write(fd, event) { break }
            }
            stream.finish()
        }
    }

    /// Writes everything, or returns false when the other side is gone (or silent 30 s).
    private func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 431: "Request Header Fields Too Large"
        default: "Status"
        }
    }
}
