import ArgumentParser

/// `gatehouse --db X tokens list`, as kubectl and docker allow: the options every directory command
/// takes (`--db`, `--as`, `--json`) may come before the subcommand. swift-argument-parser only reads
/// options after the subcommand that declares them, so they are moved there (to the end, or before a
/// `--`) before parsing. Anything else is left exactly as typed.
enum LeadingOptions {
    /// Options that take a value, and flags, that may be moved.
    static let valued: Set<String> = ["--db", "--as"]
    static let flags: Set<String> = ["--json"]

    /// The arguments with the movable options that precede (or sit between) the subcommand names
    /// moved after them; `moved` lists what was moved, for the hint when the subcommand has no such option.
    static func reorder(_ arguments: [String], root: any ParsableCommand.Type) -> (arguments: [String], moved: [String]) {
        var node: any ParsableCommand.Type = root
        var path: [String] = []
        var moved: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if valued.contains(name) {
                if argument.contains("=") {
                    moved.append(argument)
                    index += 1
                } else {
                    guard index + 1 < arguments.count else { break }  // `--db` with no value: the parser says so
                    moved += [argument, arguments[index + 1]]
                    index += 2
                }
            } else if flags.contains(argument) {
                moved.append(argument)
                index += 1
            } else if let subcommand = subcommand(named: argument, of: node) {
                path.append(argument)
                node = subcommand
                index += 1
            } else {
                break
            }
        }
        // Nothing moved, or nothing to move past (`gatehouse --db X` is the console with --db).
        guard !moved.isEmpty, !path.isEmpty else { return (arguments, []) }
        var rest = Array(arguments[index...])
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: moved, at: end)
        return (path + rest, moved)
    }

    private static func subcommand(named name: String, of command: any ParsableCommand.Type) -> (any ParsableCommand.Type)? {
        command.configuration.subcommands.first { candidate in
            candidate._commandName == name || candidate.configuration.aliases.contains(name)
        }
    }

    /// A hint for a parse error after options were moved: the subcommand does not take one of them.
    static func hint(for message: String, moved: [String]) -> String? {
        let names = moved.filter { $0.hasPrefix("--") }.map { $0.split(separator: "=").first.map(String.init) ?? $0 }
        guard let refused = names.first(where: { message.contains("'\($0)'") }) else { return nil }
        return "Hint: \(refused) belongs to commands that open the directory (e.g. `gatehouse tokens list \(refused) …`); this command does not take it."
    }
}
