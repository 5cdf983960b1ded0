import Metadata
import OCI

extension QuotaExceeded {
    /// 403 `DENIED`, with the numbers in the message: docker prints the message and stops,
    /// where a 5xx would have it retry a push that cannot fit.
    var registryError: RegistryError {
        RegistryError(.denied, detail: description, message: description)
    }
}
