extension String {
    /// The text followed by spaces up to `width` characters (help tables' first column).
    func paddedRight(to width: Int) -> String {
        self + String(repeating: " ", count: Swift.max(0, width - count))
    }
}
