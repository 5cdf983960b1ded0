import ArgumentParser
import Identity

/// `--group PATH` or `--project PATH`, exactly one.
struct TargetOptions: ParsableArguments {
    @Option(help: "A group path (applies to everything below it).")
    var group: String?

    @Option(help: "A project path.")
    var project: String?

    func target() throws -> IdentityAdmin.Target {
        switch (group, project) {
        case (let group?, nil): return .group(group)
        case (nil, let project?): return .project(project)
        default: throw ValidationError("give exactly one of --group and --project")
        }
    }
}
