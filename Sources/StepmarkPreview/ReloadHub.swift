import FoundationEssentials
import StepmarkCore

/// Server-Sent Events to the open pages: each connection to `/_preview/events` gets a
/// subscription, and every re-render sends `data: PAGE` (a relative path such as
/// `en/01-attention`, or `index`) to all of them. The page's script reloads itself when it is
/// the page named.
public final class ReloadHub: @unchecked Sendable {
    /// One open page's events, read by the thread that writes its connection.
    public final class Subscription: @unchecked Sendable {
        private let condition = ThreadCondition()
        private var pending: [[UInt8]] = []
        private var finished = false
        fileprivate var onFinish: (() -> Void)?

        /// At most this many events wait for a slow page; older ones are dropped (a page only
        /// needs the newest reload).
        static let backlog = 64

        fileprivate func push(_ bytes: [UInt8]) {
            condition.lock()
            if !finished {
                pending.append(bytes)
                if pending.count > Self.backlog { pending.removeFirst(pending.count - Self.backlog) }
                condition.signal()
            }
            condition.unlock()
        }

        /// The next event; waits for one. Nil once the subscription is finished.
        func next() -> [UInt8]? {
            condition.lock()
            defer { condition.unlock() }
            while pending.isEmpty && !finished { condition.wait() }
            return finished ? nil : pending.removeFirst()
        }

        /// Ends the subscription: `next()` returns nil, and the hub forgets it.
        func finish() {
            condition.lock()
            let first = !finished
            finished = true
            pending = []
            let callback = onFinish
            onFinish = nil
            condition.broadcast()
            condition.unlock()
            if first { callback?() }
        }
    }

    private let lock = ThreadLock()
    private var listeners: [ObjectIdentifier: Subscription] = [:]
    private var closed = false

    public init() {}

    /// A new event stream: it starts with `retry:` (reconnect after 300 ms when the server
    /// restarts) and ends when the client goes away or the hub closes.
    func subscribe() -> Subscription {
        let subscription = Subscription()
        subscription.push(Array("retry: 300\n: stepmark preview\n\n".utf8))
        let id = ObjectIdentifier(subscription)
        subscription.onFinish = { [weak self] in self?.remove(id) }
        lock.lock()
        if closed {
            lock.unlock()
            subscription.finish()
            return subscription
        }
        listeners[id] = subscription
        lock.unlock()
        return subscription
    }

    private func remove(_ id: ObjectIdentifier) {
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
        let line = page.replacing( "\n", with: " ").replacing( "\r", with: " ")
        broadcast(Array("data: \(line)\n\n".utf8))
    }

    /// A comment line, so that a connection whose page is gone fails to write and is dropped.
    public func heartbeat() { broadcast(Array(": keep-alive\n\n".utf8)) }

    private func broadcast(_ bytes: [UInt8]) {
        lock.lock()
        let all = Array(listeners.values)
        lock.unlock()
        for s in all { s.push(bytes) }
    }

    /// Ends every stream (on shutdown).
    public func close() {
        lock.lock()
        closed = true
        let all = Array(listeners.values)
        listeners = [:]
        lock.unlock()
        for s in all { s.finish() }
    }
}
