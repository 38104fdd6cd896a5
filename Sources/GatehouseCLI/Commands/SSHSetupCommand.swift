import ArgumentParser
import Foundation
import GatehouseDomain
import GatehousePostgres
import GatehouseStore

/// `gatehouse ssh setup`: the sshd_config block and the steps, and the checks sshd will make.
struct SSHSetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Print the sshd_config block for SSH logins, and check what sshd will insist on.",
        discussion: "Exit status 0 when every check passes, 3 when one fails (the block is printed either way).")

    @Option(name: .customLong("service-user"), help: ArgumentHelp("The OS account every SSH login goes to.", valueName: "name"))
    var serviceUser = "gatehouse"
    @Option(help: ArgumentHelp("The directory database: an SQLite file, or postgresql://user@host:port/db (default: $GATEHOUSE_DB, else $XDG_DATA_HOME/gatehouse/gatehouse.sqlite).", valueName: "path|url"))
    var db: String?

    func run() throws {
        let output = CLIEnvironment.current.output
        var problems = 0
        try GatehouseCommand.run(output) { () throws(GatehouseError) in
            let binary = try SSHPaths.executable()
            let path = SSHPaths.absolute(DatabaseLocation.resolve(explicitPath: db))
            let lookup = [binary, "ssh", "authorized-keys", "--db", path].map(ShellWords.quote).joined(separator: " ")
            problems = SSHSetupChecks(binary: binary, database: path, serviceUser: serviceUser).run(output)
            output.line("""

                # Add to /etc/ssh/sshd_config (at the end: a Match block runs to the end of the file),
                # or put it in /etc/ssh/sshd_config.d/gatehouse.conf if sshd_config includes that folder.
                Match User \(serviceUser)
                    AuthorizedKeysCommand \(lookup) %u %t %k
                    AuthorizedKeysCommandUser \(serviceUser)
                    AuthorizedKeysFile none
                    PubkeyAuthentication yes
                    PasswordAuthentication no
                    KbdInteractiveAuthentication no
                    AllowAgentForwarding no
                    AllowTcpForwarding no
                    AllowStreamLocalForwarding no
                    PermitTunnel no
                    X11Forwarding no
                    PermitUserRC no

                Steps:
                  1. The service account (a shell is needed: sshd runs the forced command through it; '*' = no password, not locked):
                       useradd --system --create-home --home-dir /var/lib/\(serviceUser) --shell /bin/sh --password '*' \(serviceUser)
                  2. The binary and its Resources in root-owned folders no one else can write (sshd checks every parent), e.g.
                       install -o root -g root -m 0755 gatehouse /usr/local/bin/gatehouse
                       cp -r Resources /usr/local/share/gatehouse && chown -R root:root /usr/local/share/gatehouse
                  3. \(PostgresLocation.isPostgres(path)
                         ? "A PostgreSQL login for the service account (its ~/.pgpass, or the URL's user) on \(StoreOpening.display(path))"
                         : "The database owned by the service account: chown \(serviceUser): \(ShellWords.quote(path)) (and its folder)")
                  4. Paste the block above, check it with `sshd -t`, reload sshd (systemctl reload ssh).
                  5. Register keys: gatehouse users keys add alice < alice.pub
                  6. Log in: ssh -t \(serviceUser)@HOST opens the console as alice; ssh \(serviceUser)@HOST tokens list --json runs one command.
                """)
        }
        if problems > 0 {
            output.error("\(problems) check\(problems == 1 ? "" : "s") failed; sshd will refuse the logins until \(problems == 1 ? "it is" : "they are") fixed.")
            throw ExitStatus.invalid.exitCode
        }
    }
}

/// The checks `ssh setup` makes, each printed as "ok" or "problem" with what to do.
struct SSHSetupChecks {
    let binary: String
    let database: String
    let serviceUser: String

    /// Prints each check; returns how many failed.
    func run(_ output: CommandOutput) -> Int {
        var failed = 0
        func report(_ problem: String?, _ ok: String) {
            if let problem {
                failed += 1
                output.line("problem: \(problem)")
            } else {
                output.line("ok: \(ok)")
            }
        }
        report(binary.hasPrefix("/") ? nil : "the binary path \(binary) is not absolute.", "the binary path \(binary) is absolute")
        report(Self.unsafeAncestor(of: binary), "\(binary) and every folder above it are owned by root and writable by no one else (sshd's rule for AuthorizedKeysCommand)")
        report((try? ResourceLocator.locate()) == nil ? "the Resources folder is not found next to the binary; copy Resources to \(URL(fileURLWithPath: binary).deletingLastPathComponent().deletingLastPathComponent().path)/share/gatehouse." : nil,
               "the Resources folder is found")
        guard let account = getpwnam(serviceUser) else {
            report("there is no OS account \(serviceUser); create it (step 1).", "")
            return failed
        }
        let uid = account.pointee.pw_uid
        let shell = String(cString: account.pointee.pw_shell)
        report(shell.hasSuffix("nologin") || shell.hasSuffix("/false") || !FileManager.default.isExecutableFile(atPath: shell)
               ? "\(serviceUser)'s shell is \(shell); sshd runs the forced command through it, so give it /bin/sh (usermod -s /bin/sh \(serviceUser))." : nil,
               "\(serviceUser) exists with the shell \(shell)")
        if let password = Self.shadowPassword(of: serviceUser) {
            report(password.hasPrefix("!") ? "\(serviceUser) is locked (password field starts with !); sshd refuses locked accounts even for keys: usermod -p '*' \(serviceUser)" : nil,
                   "\(serviceUser) is not locked")
        }
        if PostgresLocation.isPostgres(database) {
            // No file to check: the service account connects with its own PostgreSQL login.
            report(nil, "the directory is on PostgreSQL (\(StoreOpening.display(database))): \(serviceUser) connects with its own login there, no file to check")
        } else {
            report(Self.accessProblem(database, uid: uid, name: serviceUser), "\(serviceUser) can read and write \(database)")
        }
        return failed
    }

    /// The account's password field in /etc/shadow, when this process may read it (root).
    static func shadowPassword(of name: String) -> String? {
        guard let text = try? String(contentsOfFile: "/etc/shadow", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count > 1, fields[0] == name { return String(fields[1]) }
        }
        return nil
    }

    /// The first of the path and its parents that is not root-owned or is writable by group or others.
    static func unsafeAncestor(of path: String) -> String? {
        var current = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            var info = stat()
            guard stat(current.path, &info) == 0 else { return "cannot stat \(current.path) (\(String(cString: strerror(errno))))." }
            if info.st_uid != 0 {
                return "\(current.path) is owned by uid \(info.st_uid), not root; sshd refuses an AuthorizedKeysCommand there. Install the binary into a root-owned folder (step 2)."
            }
            if info.st_mode & (S_IWGRP | S_IWOTH) != 0 {
                return "\(current.path) is writable by \(info.st_mode & S_IWOTH != 0 ? "everyone" : "its group") (mode \(String(info.st_mode & 0o7777, radix: 8))); sshd refuses an AuthorizedKeysCommand below it. Install the binary elsewhere (step 2)."
            }
            if current.path == "/" { return nil }
            current = current.deletingLastPathComponent()
        }
    }

    /// Whether the account can read and write the database and create its -wal/-shm files beside it.
    static func accessProblem(_ database: String, uid: uid_t, name: String) -> String? {
        var info = stat()
        guard stat(database, &info) == 0 else { return "the database \(database) does not exist; create it (gatehouse --db \(database)) and give it to \(name)." }
        let folder = URL(fileURLWithPath: database).deletingLastPathComponent().path
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0 else { return "cannot stat \(folder)." }
        if uid == 0 { return nil }
        if info.st_uid != uid || info.st_mode & S_IRUSR == 0 || info.st_mode & S_IWUSR == 0 {
            return "\(database) is not readable and writable by \(name) (owner uid \(info.st_uid), mode \(String(info.st_mode & 0o777, radix: 8))): chown \(name): \(database); chmod 600 \(database)"
        }
        if folderInfo.st_uid != uid || folderInfo.st_mode & S_IWUSR == 0 {
            return "\(folder) is not writable by \(name), who must create the database's -wal and -shm files there: chown \(name): \(folder)"
        }
        return nil
    }
}
