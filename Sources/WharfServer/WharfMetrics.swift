import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import Metadata
import Metrics
import Prometheus

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
    func exposition(metadata: (any MetadataStore)?) async -> String {
        if let metadata, let open = try? await metadata.uploadCount() {
            let descriptor = MetricNameDescriptor(
                namespace: "wharf", metricName: "open_uploads", unitName: "count", helpText: "Upload sessions started and not finished"
            )
            registry.makeGauge(descriptor: descriptor).set(Double(open))
        }
        return registry.emitToString()
    }

    func register(on router: Router<WharfRequestContext>, metadata: (any MetadataStore)?) {
        router.get("/metrics") { _, _ in
            let text = await self.exposition(metadata: metadata)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        }
    }
}
