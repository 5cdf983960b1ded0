/// This build's version: in `wharf --version`, backup file names and backup descriptors.
public enum WharfVersion {
    public static let current = "0.1.0"
}
