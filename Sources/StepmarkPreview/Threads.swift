import StepmarkCore

// The preview's threads: detached, started by StepmarkCore's `SystemThread` (POSIX threads;
// `Thread` lives in full Foundation, which stepmark no longer links, issue 13). Their condition
// variable is StepmarkCore's `ThreadCondition`.

/// Starts `body` on a new detached thread. When the system refuses one, the work is lost, as it
/// would be with Foundation's `Thread`.
func startThread(_ body: @escaping @Sendable () -> Void) {
    SystemThread.start(detached: true, body)
}
