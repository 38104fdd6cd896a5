import GatehouseCLI

// The async entry point, so the console's run loop (and every async command) runs properly.
// Called from an async function: in top-level code `await GatehouseCommand.main(nil)` binds to
// ParsableCommand's synchronous `main`, which stops with "Asynchronous root command needs
// availability annotation" on Linux.
// `runAsProcess` is `main` with every parser message redacted (no secret echoed on stderr).
func runGatehouse() async { await GatehouseCommand.runAsProcess() }
await runGatehouse()
