import Foundation

/// Validation of everything a person types. Each failure names the field and says what is allowed.
enum InputRules {
    /// Refuses control characters (C0, DEL, C1) and bidirectional overrides: they can hide or
    /// disguise text on a terminal, and no name needs them.
    static func text(_ raw: String, field: String, maximum: Int, allowEmpty: Bool = false) throws(GatehouseError) -> String {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if value.isEmpty && !allowEmpty {
            throw .invalidInput(field: field, problem: "required; type at least one character.")
        }
        if value.count > maximum {
            throw .invalidInput(field: field, problem: "\(value.count) characters is too long; the maximum is \(maximum).")
        }
        if let bad = value.unicodeScalars.first(where: isForbidden) {
            throw .invalidInput(field: field, problem: "contains the control character U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4)); remove it.")
        }
        if SecretRedaction.containsSecretShape(value) {
            throw .invalidInput(field: field, problem: "looks like a token secret (gpat_\u{2026}); a secret never belongs in a name or a note. Type something else, and revoke the token if that was a real one.")
        }
        return value
    }

    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x061C, 0x200E, 0x200F: true
        default: false
        }
    }

    static func displayName(_ raw: String) throws(GatehouseError) -> String {
        try text(raw, field: "Display name", maximum: 100)
    }

    /// Logins map OS and SSH logins to accounts: letters, digits, dot, dash, underscore.
    static func loginName(_ raw: String) throws(GatehouseError) -> String {
        let value = try text(raw, field: "Login", maximum: 64)
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
        }
        guard allowed, let first = value.unicodeScalars.first, CharacterSet.alphanumerics.contains(first) || first == "_" else {
            throw .invalidInput(field: "Login", problem: "use ASCII letters, digits, dot, dash and underscore, starting with a letter or digit (like an OS login: alice, build-agent-01).")
        }
        return value
    }

    static func email(_ raw: String) throws(GatehouseError) -> String {
        let value = try text(raw, field: "Email", maximum: 254, allowEmpty: true)
        guard !value.isEmpty else { return value }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        // The domain: at least two dot-separated labels, none empty (not "a@.", "a@b.", "a@.b").
        let labels = parts.count == 2 ? parts[1].split(separator: ".", omittingEmptySubsequences: false) : []
        guard parts.count == 2, !parts[0].isEmpty, labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), !value.contains(" ") else {
            throw .invalidInput(field: "Email", problem: "\u{201C}\(value)\u{201D} is not an email address or UPN (name@domain.example); leave it empty for service accounts.")
        }
        return value
    }

    static func organizationName(_ raw: String) throws(GatehouseError) -> String {
        try text(raw, field: "Organization name", maximum: 64)
    }

    static func groupName(_ raw: String) throws(GatehouseError) -> String {
        try text(raw, field: "Group name", maximum: 64)
    }

    static func groupDescription(_ raw: String) throws(GatehouseError) -> String {
        try text(raw, field: "Description", maximum: 500, allowEmpty: true)
    }

    static func tokenName(_ raw: String) throws(GatehouseError) -> String {
        try text(raw, field: "Name", maximum: 100)
    }

    static func reason(_ raw: String) throws(GatehouseError) -> String {
        try text(raw, field: "Reason", maximum: 200, allowEmpty: true)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
