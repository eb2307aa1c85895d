import Anatomy
import ArgumentParser
import Foundation
import Server
import WebAPI

/// `parsguide serve`: the web simulator.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web simulator: move the probe, drive the needle, shoot fluoroscopy in a browser.",
        discussion: """
        Open http://127.0.0.1:8080/ (or the --port you chose). The subject is the flagship one, built on start \
        (≈ 5 s), unless --subject names a folder from `parsguide phantom`. Binding to an address other than \
        127.0.0.1 needs --allow-remote (the simulator has no authentication). --db enables "save to registry".
        """)

    @Option(help: "Address to bind.") var host: String = "127.0.0.1"
    @Option(help: "TCP port.") var port: Int = 8080
    @Option(help: "Registry file for 'save to registry' (off when absent).") var db: String?
    @Option(help: "Subject folder (default: build the flagship subject on start).") var subject: String?
    @OptionGroup var voxel: VoxelSizeOption
    @Option(name: .customLong("max-sessions"), help: "Sessions kept at once (the least recently used is evicted).") var maxSessions: Int = 8
    @Option(name: .customLong("idle-timeout-s"), help: "Close a connection silent this long, seconds (\(SimulatorServer.idleTimeout.allowedText)).")
    var idleTimeoutS: Double = SimulatorServer.defaultIdleTimeoutSeconds
    @Option(name: .customLong("request-timeout-s"),
            help: "Close a connection whose request is not complete this long after its first byte, seconds (\(SimulatorServer.requestTimeout.allowedText)).")
    var requestTimeoutS: Double = SimulatorServer.defaultRequestTimeoutSeconds
    @Flag(name: .customLong("allow-remote"), help: "Allow binding to an address other than 127.0.0.1.") var allowRemote = false

    func run() throws {
        // The server is async; the CLI root is not: run it on the concurrency pool and wait.
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Task {
            do { try await serve() } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    private func serve() async throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port \(port) is outside 1–65535") }
        guard (1...64).contains(maxSessions) else { throw ValidationError("--max-sessions \(maxSessions) is outside 1–64") }
        try SimulatorServer.idleTimeout.checked(idleTimeoutS)
        try SimulatorServer.requestTimeout.checked(requestTimeoutS)
        let local = ["127.0.0.1", "localhost", "::1"].contains(host)
        guard local || allowRemote else {
            throw ValidationError("binding to \(host) exposes the simulator to the network: add --allow-remote if you mean it")
        }
        if !local { FileHandle.standardError.write(Data("warning: serving on \(host):\(port) — anyone who can reach it can use it; there is no authentication\n".utf8)) }
        let scene: SimulatorScene
        if let subject {
            scene = try SimulatorScene(directory: subject, registryPath: db)
        } else {
            FileHandle.standardError.write(Data("building the flagship subject…\n".utf8))
            var o = PhantomOptions()
            o.voxelMm = voxel.mm
            scene = try SimulatorScene(subject: try LumbarPhantom.build(o.validated()), registryPath: db)
        }
        FileHandle.standardError.write(Data("serving on http://\(host):\(port)/\n".utf8))
        try await SimulatorServer.run(scene: scene, host: host, port: port, capacity: maxSessions, idleTimeoutSeconds: idleTimeoutS,
                                      requestTimeoutSeconds: requestTimeoutS)
    }
}

/// The server task's failure, handed back to the waiting thread.
private final class Outcome: @unchecked Sendable { var error: Error? }
