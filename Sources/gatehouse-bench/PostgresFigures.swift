import Foundation
import Synchronization
import GatehouseDomain
import GatehousePostgres
import GatehouseStore

// Issue #17's figures (BENCHMARKS.md, "SQLite and PostgreSQL side by side"), on either backend:
//   --only concurrency   uncached verification at 1, 4 (serve's thread pool) and 16 threads, one
//                        verification per call, and serve's shape: one façade call per batch of misses;
//   --only revocation    (PostgreSQL) two stores on one database as two hosts: host B verifies at a
//                        paced 1,000/s, host A revokes a token every ~20 ms; for each revocation, the
//                        time from A's commit to B's first refusal.

/// Reads the `--secrets` file (one real secret a line).
func benchSecrets() throws -> [TokenSecret] {
    guard let path = options.secrets else { return [] }
    return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { TokenSecret(presented: String($0)) }
}

/// Calls `body(thread, index)` on `threads` real threads for `duration` seconds; returns calls per second.
func throughput(threads: Int, duration: Double, callsPerRound: Int = 1, _ body: @escaping @Sendable (Int, Int) -> Void) -> Double {
    let done = Atomic<Int>(0)
    let group = DispatchGroup()
    let start = clock.now
    let deadline = start + .milliseconds(Int(duration * 1_000))
    for thread in 0..<threads {
        group.enter()
        Thread {
            var index = thread * 7_919
            var count = 0
            while clock.now < deadline {
                body(thread, index)
                index += callsPerRound
                count += callsPerRound
            }
            done.add(count, ordering: .relaxed)
            group.leave()
        }.start()
    }
    group.wait()
    return Double(done.load(ordering: .relaxed)) / seconds(clock.now - start)
}

/// Uncached verification: every call reads the database (cache capacity 0).
@MainActor
func concurrencyFigures() throws {
    let secrets = try benchSecrets()
    guard !secrets.isEmpty else { progress("concurrency: needs --secrets; skipped"); return }
    let backend = PostgresLocation.isPostgres(options.db) ? "PostgreSQL" : "SQLite"
    let duration = options.quick ? 1.5 : 4.0
    let runs = options.quick ? 3 : 5
    var cases: [(label: String, threads: Int, batch: Int)] = [(("1 thread, one per call"), 1, 1), ("4 threads (serve's pool), one per call", 4, 1),
                                                              ("16 threads, one per call", 16, 1)]
    cases += [("4 threads, 32 per façade call (serve's batches under load)", 4, 32), ("1 thread, 256 per façade call", 1, 256)]
    for (label, threads, batch) in cases {
        var rates: [Double] = []
        var perQuery: [Double] = []
        for _ in 0..<runs {
            // A fresh store per run: its counters start at 0.
            let uncached = try openStore(options.db, verificationCacheCapacity: 0)
            let verifier = AccessService(store: uncached, catalog: catalog)
            let before = (uncached as? PostgresDirectoryStore)?.verificationQueryStatistics
            let failures = Atomic<Int>(0)
            rates.append(throughput(threads: threads, duration: duration, callsPerRound: batch) { _, index in
                if batch == 1 {
                    if case .success? = try? verifier.verify(secrets[index % secrets.count]) {} else { failures.add(1, ordering: .relaxed) }
                } else {
                    var effects: [VerificationEffect] = []
                    let chunk = (0..<batch).map { secrets[(index + $0) % secrets.count] }
                    let outcomes = (try? verifier.verify(chunk, deferring: &effects)) ?? []
                    failures.add(batch - outcomes.filter { if case .success = $0 { true } else { false } }.count, ordering: .relaxed)
                }
            })
            if let after = (uncached as? PostgresDirectoryStore)?.verificationQueryStatistics, let before, after.queries > before.queries {
                perQuery.append(Double(after.digests - before.digests) / Double(after.queries - before.queries))
            }
            if failures.load(ordering: .relaxed) > 0 { progress("concurrency \(label): \(failures.load(ordering: .relaxed)) verifications did not succeed") }
        }
        rates.sort()
        perQuery.sort()
        let note = "\(backend), cache off, \(secrets.count) real active tokens round robin" + (perQuery.isEmpty ? "" : String(format: "; %.1f digests per query (median)", percentile(perQuery, 0.5)))
        let figure = Figure(group: "verification (uncached)", name: label, unit: "/s", p50: percentile(rates, 0.5), p95: percentile(rates, 0.05),
                            samples: rates.count, note: note + "; p95 column = 5th percentile of runs")
        figures.append(figure)
        progress("verification (uncached) \(label): \(Int(figure.p50)) /s (\(note))")
    }
}

/// Cross-host revocation under load: B's first refusal after A's commit.
@MainActor
func revocationFigures() throws {
    guard PostgresLocation.isPostgres(options.db) else { progress("revocation: PostgreSQL only (two hosts on one database); skipped"); return }
    let secrets = try benchSecrets()
    guard secrets.count >= 100 else { progress("revocation: needs --secrets (a few thousand); skipped"); return }
    let pool = Array(secrets.prefix(3_000))
    let victims = options.quick ? 320 : 400
    // Host A makes the tokens it will revoke (named for this run); host B is another store, as another host.
    let run = UUID().uuidString.prefix(8)
    let organization = try service.organizations(by: actor).first
    guard let organization else { progress("revocation: no organization; skipped"); return }
    var issued: [IssuedToken] = []
    for index in 0..<victims {
        issued.append(try service.createToken(TokenRequest(displayName: "bench-revocation-\(run)-\(index)", target: .organization(organization.id),
                                                           scopes: .custom(["vso.code"]), expiration: .days(30)), by: actor))
    }
    let hostB = AccessService(store: try openStore(options.db), catalog: catalog)
    // B knows every token (its cache holds them), as a server in use would.
    for secret in pool + issued.map(\.secret) { _ = try? hostB.verify(secret) }
    let refusedSecrets = issued.map(\.secret)

    struct Pending { let index: Int; let committed: ContinuousClock.Instant }
    let pending = Mutex<[Pending]>([])
    let latencies = Mutex<[Double]>([])
    let stop = Atomic<Bool>(false)
    let verifications = Atomic<Int>(0)
    let group = DispatchGroup()
    group.enter()
    Thread {
        // Paced at 1,000/s: tick k at start + k ms; every other tick probes the pending revocations.
        let start = clock.now
        var tick = 0
        while !stop.load(ordering: .relaxed) {
            let due = start + .milliseconds(tick)
            let wait = due - clock.now
            if wait > .zero { usleep(UInt32(max(1, seconds(wait) * 1_000_000))) }
            if tick % 2 == 0 {
                _ = try? hostB.verify(pool[(tick / 2) % pool.count])
                verifications.add(1, ordering: .relaxed)
            } else {
                for waiting in pending.withLock({ $0 }) {
                    let outcome = try? hostB.verify(refusedSecrets[waiting.index])
                    verifications.add(1, ordering: .relaxed)
                    guard case .failure(.revoked)? = outcome else { continue }
                    let seen = clock.now
                    pending.withLock { $0.removeAll { $0.index == waiting.index } }
                    latencies.withLock { $0.append(seconds(seen - waiting.committed) * 1_000) }
                }
            }
            tick += 1
        }
        group.leave()
    }.start()
    let began = clock.now
    for (index, token) in issued.enumerated() {
        let next = began + .milliseconds(20 * index)
        let wait = next - clock.now
        if wait > .zero { usleep(UInt32(seconds(wait) * 1_000_000)) }
        _ = try service.revokeToken(token.token.id, reason: "bench: cross-host revocation", by: actor)
        let committed = clock.now
        pending.withLock { $0.append(Pending(index: index, committed: committed)) }
    }
    let deadline = clock.now + .seconds(5)
    while !pending.withLock({ $0.isEmpty }) && clock.now < deadline { usleep(10_000) }
    stop.store(true, ordering: .relaxed)
    group.wait()
    let elapsed = seconds(clock.now - began)
    let missed = pending.withLock { $0.count }
    let samples = latencies.withLock { $0 }
    let rate = Double(verifications.load(ordering: .relaxed)) / elapsed
    let note = "\(samples.count) revocations every 20 ms by host A, host B at \(Int(rate))/s (paced 1,000/s, cache on) over \(pool.count) tokens"
        + (missed > 0 ? "; \(missed) NOT refused within 5 s" : "") + String(format: "; max %.1f ms", samples.max() ?? .nan)
    tailFigure("cross-host revocation: A's commit to B's first refusal", samples, note: note, group: "revocation")
}
