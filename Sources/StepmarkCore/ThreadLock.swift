/// A plain mutual-exclusion lock for the few process-wide caches (models, encodings, compiled
/// patterns). `NSLock` lives in full Foundation, which stepmark no longer links (issue 13), and
/// the standard library's `Mutex` cannot be locked and unlocked around a call that throws in
/// between, as the caches do.
public final class ThreadLock: @unchecked Sendable {
    fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A `ThreadLock` with a condition variable (the preview's event queues): `wait()` releases the
/// lock until `signal()` or `broadcast()`. Foundation's `NSCondition` is gone with full
/// Foundation (issue 13).
public final class ThreadCondition: @unchecked Sendable {
    private let mutex = ThreadLock()
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
    }

    public func lock() { mutex.lock() }
    public func unlock() { mutex.unlock() }
    public func wait() { pthread_cond_wait(condition, mutex.mutex) }

    /// `wait()` for at most `seconds` (a spurious or timed-out wake-up returns too): for
    /// waiters that must also watch a deadline of their own.
    public func wait(seconds: Double) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = Int(now.tv_nsec) + Int(max(0, min(seconds, 3600)) * 1e9)
        var until = timespec(tv_sec: now.tv_sec + nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
        pthread_cond_timedwait(condition, mutex.mutex, &until)
    }
    public func signal() { pthread_cond_signal(condition) }
    public func broadcast() { pthread_cond_broadcast(condition) }
}

/// Threads on POSIX threads directly: `Thread` lives in full Foundation, which stepmark no
/// longer links (issue 13). The preview's threads are detached; `OrderedParallel`'s are joined.
public enum SystemThread {
    /// Starts `body` on a new thread with 8 MB of stack (as the main thread usually has; the
    /// system's default may be less); nil when the system refuses one, and `body` then never
    /// runs. A detached thread cannot be joined: its handle is still returned.
    @discardableResult
    public static func start(detached: Bool, _ body: @escaping @Sendable () -> Void) -> pthread_t? {
        final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 8 << 20)
        if detached { pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) }
        defer { pthread_attr_destroy(&attributes) }
        var thread = pthread_t()
        let made = pthread_create(&thread, &attributes, { raw in
            Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, context)
        guard made == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return nil
        }
        return thread
    }
}
