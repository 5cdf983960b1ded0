/// Booleans as Distribution reads them from the environment: YAML scalars.
enum YAMLBool {
    static func parse(_ text: String, key: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "on", "y", "1": return true
        case "false", "no", "off", "n", "0": return false
        default:
            throw ConfigurationError(key: key, problem: "is \"\(text)\", not a boolean", fix: "use true or false")
        }
    }
}
