import HTTPTypes

/// Header names of the registry API.
extension HTTPField.Name {
    static let dockerDistributionAPIVersion = HTTPField.Name("Docker-Distribution-API-Version")!
    static let dockerContentDigest = HTTPField.Name("Docker-Content-Digest")!
    static let dockerUploadUUID = HTTPField.Name("Docker-Upload-UUID")!
    static let ociSubject = HTTPField.Name("OCI-Subject")!
    static let ociTag = HTTPField.Name("OCI-Tag")!
    static let ociFiltersApplied = HTTPField.Name("OCI-Filters-Applied")!
    static let ociChunkMinLength = HTTPField.Name("OCI-Chunk-Min-Length")!
    static let link = HTTPField.Name("Link")!
    /// Set by `SendfileHandler` (to its per-process `marker`) on requests of connections that
    /// can send files with `sendfile(2)`; a client's own value is replaced, and where no
    /// handler runs it cannot know the marker.
    static let wharfSendfileCapable = HTTPField.Name("X-Wharf-Sendfile-Capable")!
    /// Set by the application on a response whose body `SendfileHandler` sends from a file;
    /// never reaches the client.
    static let wharfSendfile = HTTPField.Name("X-Wharf-Sendfile")!
}
