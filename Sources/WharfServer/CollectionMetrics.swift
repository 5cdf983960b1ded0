import Metrics
import Registry

/// Garbage collection's Prometheus counters (the queue's length is read at scrape time).
struct CollectionMetrics: Sendable {
    let runs: Counter
    let failures: Counter
    let manifests = Counter(label: "wharf_gc_deletions_total", dimensions: [("artifact", "manifest")])
    let links = Counter(label: "wharf_gc_deletions_total", dimensions: [("artifact", "link")])
    let blobs = Counter(label: "wharf_gc_deletions_total", dimensions: [("artifact", "blob")])
    let bytes = Counter(label: "wharf_gc_bytes_freed_total")
    let postponed = Counter(label: "wharf_gc_postponed_total")

    init(worker: String) {
        runs = Counter(label: "wharf_gc_runs_total", dimensions: [("worker", worker)])
        failures = Counter(label: "wharf_gc_failures_total", dimensions: [("worker", worker)])
    }

    func record(_ pass: CollectionPass) {
        runs.increment()
        if !pass.manifests.isEmpty { manifests.increment(by: pass.manifests.count) }
        if !pass.links.isEmpty { links.increment(by: pass.links.count) }
        if !pass.blobs.isEmpty { blobs.increment(by: pass.blobs.count) }
        if pass.bytesFreed > 0 { bytes.increment(by: pass.bytesFreed) }
        if !pass.failed.isEmpty {
            postponed.increment(by: pass.failed.count)
            failures.increment(by: pass.failed.count)
        }
    }
}
