import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import Metadata
import Metrics
import Prometheus
import Registry

/// Prometheus metrics: swift-metrics instruments (Hummingbird's request counters and latency
/// timers, Wharf's byte and auth-failure counters) exported from one registry, plus gauges read
/// at scrape time, such as the open uploads.
public final class WharfMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init() {
        registry = PrometheusCollectorRegistry()
    }

    /// Makes swift-metrics report here. Once per process (swift-metrics allows one bootstrap).
    public func bootstrap() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// The text exposition, with scrape-time gauges refreshed first.
    func exposition(metadata: (any MetadataStore)?, collection: CollectionSettings? = nil) async -> String {
        if let metadata, let open = try? await metadata.uploadCount() {
            let descriptor = MetricNameDescriptor(
                namespace: "wharf", metricName: "open_uploads", unitName: "count", helpText: "Upload sessions started and not finished"
            )
            registry.makeGauge(descriptor: descriptor).set(Double(open))
        }
        if let metadata, let collection {
            let review = CollectionReview(
                now: Date().timeIntervalSince1970, reviewDelay: collection.reviewDelay, uploadGrace: collection.uploadGrace, limit: 1
            )
            if let length = try? await metadata.collectionQueueLength(review) {
                let queue = MetricNameDescriptor(
                    namespace: "wharf", subsystem: "gc", metricName: "queue_length", unitName: "count",
                    helpText: "Garbage collection candidates: waiting for review, and due now"
                )
                for kind in CollectionKind.allCases {
                    registry.makeGauge(descriptor: queue, labels: [("kind", kind.rawValue), ("state", "waiting")])
                        .set(Double(length.waiting[kind] ?? 0))
                    registry.makeGauge(descriptor: queue, labels: [("kind", kind.rawValue), ("state", "due")])
                        .set(Double(length.due[kind] ?? 0))
                }
                let deleting = MetricNameDescriptor(
                    namespace: "wharf", subsystem: "gc", metricName: "blobs_being_deleted", unitName: "count", helpText: "Blobs whose deletion has begun"
                )
                registry.makeGauge(descriptor: deleting).set(Double(length.deleting))
            }
        }
        return registry.emitToString()
    }

    func register(on router: Router<WharfRequestContext>, metadata: (any MetadataStore)?, collection: CollectionSettings? = nil) {
        router.get("/metrics") { _, _ in
            let text = await self.exposition(metadata: metadata, collection: collection)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        }
    }
}
