extension Int64 {
    /// `self + other`, clamped to `Int64`'s range: token dates come from outside, and a
    /// validly signed `exp` of `Int64.max` plus the leeway must not trap.
    func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }
}
