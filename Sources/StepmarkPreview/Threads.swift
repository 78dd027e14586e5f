import StepmarkCore

// The preview's threads, on POSIX threads directly: `Thread` lives in full Foundation, which
// stepmark no longer links (issue 13), and the preview needs nothing from it but a start.
// Their condition variable is StepmarkCore's `ThreadCondition`.

/// Starts `body` on a new detached thread.
func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    defer { pthread_attr_destroy(&attributes) }
    var thread = pthread_t()
    let made = pthread_create(&thread, &attributes, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, context)
    if made != 0 {
        // No thread: run nothing, release the closure (the caller's work is lost, as it would
        // be with Foundation's Thread when the system refuses one).
        Unmanaged<Box>.fromOpaque(context).release()
        return
    }
}
