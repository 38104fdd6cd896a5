import Dispatch
import Foundation
@testable import GatehouseConsole
import GatehouseDomain
import TerminalKit
import Testing

/// Effects: work a key asks for runs off the main loop, keys keep working meanwhile, and the
/// result comes back to the screen that asked, as a message (the seam a network store needs).
@MainActor @Suite struct EffectTests {
    /// A screen whose `w` asks for work that waits on `gate`, and shows the answer it gets back.
    struct SlowScreen: ConsoleScreen {
        let gate: DispatchSemaphore
        var answer: String?
        var breadcrumb: String { "Slow" }
        func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { [ScreenKey("w", "Work")] }

        mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
            guard key == .character("w") else { return nil }
            let gate = gate
            return [.run(Effect(progress: "Working\u{2026}") {
                gate.wait()
                return "forty-two"
            })]
        }

        mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
            guard case let .effect(value) = result, let text = value as? String else { return [] }
            answer = text
            return [.flash("Answer: \(text)", .success)]
        }

        func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
            buffer.put(answer ?? "waiting", x: area.x, y: area.y)
        }
    }

    func waitForDelivery(_ console: Console) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if console.tick() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    @Test func workRunsOffTheLoopKeysStillWorkAndTheAnswerComesBackAsAMessage() throws {
        let fixture = try TinyConsole()
        let console = fixture.driver.console
        let size = Size(width: 80, height: 24)
        let gate = DispatchSemaphore(value: 0)
        console.apply([.push(SlowScreen(gate: gate))])
        console.handle(.character("w"), size: size)
        console.startEffects()
        #expect(console.hasRunningEffects)
        #expect(console.flash?.message == "Working\u{2026}")
        // The work is blocked, yet keys are handled at once: help opens and closes.
        console.handle(.character("?"), size: size)
        console.handle(.escape, size: size)
        #expect(console.topScreen?.breadcrumb == "Slow")
        #expect(!console.tick() || console.hasRunningEffects, "nothing delivered before the work ends")
        gate.signal()
        #expect(waitForDelivery(console), "the answer arrives on a tick")
        #expect((console.topScreen as? SlowScreen)?.answer == "forty-two")
        #expect(console.flash?.message == "Answer: forty-two", "the progress note gave way to the answer")
        #expect(!console.hasRunningEffects)
    }

    @Test func anAnswerForAScreenThatIsGoneIsDropped() throws {
        let fixture = try TinyConsole()
        let console = fixture.driver.console
        let size = Size(width: 80, height: 24)
        let gate = DispatchSemaphore(value: 0)
        console.apply([.push(SlowScreen(gate: gate))])
        console.handle(.character("w"), size: size)
        console.startEffects()
        console.handle(.escape, size: size)  // leave the screen that asked
        #expect(console.topScreen?.breadcrumb == "Users")
        gate.signal()
        _ = waitForDelivery(console)
        #expect(console.topScreen?.breadcrumb == "Users", "nothing was pushed or changed")
        #expect(console.flash?.message != "Answer: forty-two")
    }

    @Test func theInMemoryDriverRunsEffectsAtOnceSoTestsStayExact() throws {
        let fixture = try TinyConsole()
        // Open before the key (a semaphore made with a value above 0 may not be freed below it).
        let gate = DispatchSemaphore(value: 0)
        gate.signal()
        fixture.driver.console.apply([.push(SlowScreen(gate: gate))])
        fixture.send(.character("w"))
        #expect(fixture.shows("forty-two"), "\(fixture.dump)")
        #expect(fixture.messageRow.contains("Answer: forty-two"))
    }

    @Test func theFrameWaitsForLoadsButNotForPrefetches() {
        let mailbox = EffectMailbox()
        let load = EffectTicket(pane: .users, depth: 0, breadcrumb: "Users", progress: nil)
        var prefetch = load
        prefetch.isPrefetch = true
        mailbox.started(prefetch)
        #expect(!mailbox.isWorking, "nothing on screen waits for rows read ahead")
        mailbox.started(load)
        #expect(mailbox.isWorking)
        mailbox.post(load, 1)
        #expect(!mailbox.isWorking)
        mailbox.post(prefetch, 2)
        #expect(mailbox.take().count == 2, "a prefetch's answer is delivered like any other")
    }
}
