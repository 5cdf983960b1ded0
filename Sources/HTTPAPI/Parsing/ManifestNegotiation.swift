import OCI

/// Content negotiation of manifest GETs: a client that lists manifest types in `Accept`
/// gets a manifest only in one of them, as Distribution does, so an old client sees a clear
/// "not found in an accepted type" instead of a document it cannot parse.
public enum ManifestNegotiation {
    /// Whether a manifest of `mediaType` may be sent to a client sending these `Accept` values.
    /// No header, a wildcard, or no manifest type listed at all accept anything.
    public static func accepts(_ acceptHeaders: [String], mediaType: String) -> Bool {
        var listedManifestType = false
        for header in acceptHeaders {
            for item in header.split(separator: ",") {
                let type = MediaType.essence(item)
                if type == mediaType || type == "*/*" || type == "application/*" { return true }
                if type.hasPrefix("application/vnd.oci.image.") || type.hasPrefix("application/vnd.docker.distribution.") {
                    listedManifestType = true
                }
            }
        }
        return !listedManifestType
    }


}
