import Foundation

/// Words of a command line as a POSIX shell would split them, without running a shell: for
/// `SSH_ORIGINAL_COMMAND`, which the client chose, and for the forced command Gatehouse prints.
enum ShellWords {
    struct Problem: Error, Equatable {
        let message: String
    }

    /// Splits on unquoted blanks; honours 'single quotes', "double quotes" (where \ escapes
    /// \, ", $ and `) and a backslash before any character outside quotes. Refuses what only a
    /// shell could give a meaning to (pipes, redirections, `;`, `&`, `$`, backquotes, globs),
    /// since none runs here: passing them on as text would surprise the person who typed them.
    static func split(_ line: String) throws(Problem) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var scalars = Array(line.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case " ", "\t", "\n":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            case "'":
                inWord = true
                guard let end = scalars.firstIndex(of: "'") else { throw Problem(message: "a single quote (') is not closed.") }
                current.unicodeScalars.append(contentsOf: scalars[scalars.startIndex..<end])
                scalars = scalars[(end + 1)...]
            case "\"":
                inWord = true
                var closed = false
                while let inner = scalars.popFirst() {
                    if inner == "\"" { closed = true; break }
                    if inner == "\\", let next = scalars.first, "\\\"$`".unicodeScalars.contains(next) {
                        current.unicodeScalars.append(next)
                        scalars = scalars.dropFirst()
                    } else if inner == "$" || inner == "`" {
                        throw Problem(message: "\u{201C}\(inner)\u{201D} inside double quotes would need a shell, and none runs here; use single quotes.")
                    } else {
                        current.unicodeScalars.append(inner)
                    }
                }
                guard closed else { throw Problem(message: "a double quote (\") is not closed.") }
            case "\\":
                inWord = true
                guard let next = scalars.popFirst() else { throw Problem(message: "the command ends with a lone backslash.") }
                if next != "\n" { current.unicodeScalars.append(next) }
            case "|", "&", ";", "<", ">", "(", ")", "$", "`", "*", "?", "[", "#", "~":
                if scalar == "#" && inWord || scalar == "~" && inWord {
                    current.unicodeScalars.append(scalar)
                    continue
                }
                throw Problem(message: "\u{201C}\(scalar)\u{201D} needs a shell, and none runs here: Gatehouse runs one of its own commands. Quote it if you meant it as text.")
            default:
                inWord = true
                current.unicodeScalars.append(scalar)
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// One word quoted for a POSIX shell: 'as is', with each ' written '\''.
    static func quote(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=+,@%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
