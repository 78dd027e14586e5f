import FlyingFox
import FlyingSocks
import Foundation

/// Server-Sent Events to the open pages: each connection to `/_preview/events` gets a stream,
/// and every re-render sends `data: PAGE` (a relative path such as `en/01-attention`, or
/// `index`) to all of them. The page's script reloads itself when it is the page named.
public final class ReloadHub: @unchecked Sendable {
    private let lock = NSLock()
    private var listeners: [UUID: AsyncStream<[UInt8]>.Continuation] = [:]
    private var closed = false

    public init() {}

    /// A new event stream: it starts with `retry:` (reconnect after 300 ms when the server
    /// restarts) and ends when the client goes away or the hub closes.
    func subscribe() -> EventStreamBody {
        let id = UUID()
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(64))
        continuation.yield(Array("retry: 300\n: stepmark preview\n\n".utf8))
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        lock.lock()
        if closed {
            lock.unlock()
            continuation.finish()
        } else {
            listeners[id] = continuation
            lock.unlock()
        }
        return EventStreamBody(stream: stream)
    }

    private func remove(_ id: UUID) {
        lock.lock()
        listeners[id] = nil
        lock.unlock()
    }

    public var listenerCount: Int {
        lock.lock(); defer { lock.unlock() }
        return listeners.count
    }

    /// Sends one event naming a page to every open page.
    public func send(page: String) {
        // A page path never holds a newline (it is a file path from a folder listing), but an
        // event line must not be split by one.
        let line = page.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        broadcast(Array("data: \(line)\n\n".utf8))
    }

    /// A comment line, so that a connection whose page is gone fails to write and is dropped.
    public func heartbeat() { broadcast(Array(": keep-alive\n\n".utf8)) }

    private func broadcast(_ bytes: [UInt8]) {
        lock.lock()
        let all = Array(listeners.values)
        lock.unlock()
        for c in all { c.yield(bytes) }
    }

    /// Ends every stream (on shutdown).
    public func close() {
        lock.lock()
        closed = true
        let all = Array(listeners.values)
        listeners = [:]
        lock.unlock()
        for c in all { c.finish() }
    }
}

/// An endless HTTP body made of the hub's events, for FlyingFox's chunked encoder.
struct EventStreamBody: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let stream: AsyncStream<[UInt8]>

    func makeAsyncIterator() -> Iterator { Iterator(base: stream.makeAsyncIterator()) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncStream<[UInt8]>.Iterator
        var pending: ArraySlice<UInt8> = []

        mutating func next() async -> UInt8? {
            guard let buffer = await nextBuffer(suggested: 1) else { return nil }
            return buffer.first
        }

        /// Whatever is pending, up to `count` bytes; waits for the next event when none is.
        mutating func nextBuffer(suggested count: Int) async -> ArraySlice<UInt8>? {
            if pending.isEmpty {
                guard let event = await base.next() else { return nil }
                pending = event[...]
            }
            let n = Swift.max(1, Swift.min(count, pending.count))
            let out = pending.prefix(n)
            pending = pending.dropFirst(n)
            return out
        }
    }
}
