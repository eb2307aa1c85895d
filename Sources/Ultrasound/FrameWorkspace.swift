import Foundation

/// The scratch buffers of one frame — the marched lines, their attenuation levels, the axially convolved
/// lines, the envelope and the display's linear pixels — reused from frame to frame.
///
/// A 256-line, 120 mm frame needs ≈ 7 MB of them. Allocated afresh for every frame, the allocator gave them
/// back to the kernel between frames and the kernel zeroed new pages for the next: ≈ 10 % of a frame's time
/// in `clear_page` (perf, `bench ultrasound`). A workspace is taken from a small process-wide pool (the web
/// server makes a simulator per request, so the pool cannot belong to one) and given back when the frame is
/// done. Nothing in it is assumed zero: each stage clears what it accumulates into.
final class FrameWorkspace: @unchecked Sendable {
    let lineCount: Int, sampleCount: Int, pixelCount: Int
    /// Complex lines [line][sample] after the march.
    let re: FloatBuffer, im: FloatBuffer
    /// Attenuation level (`AxialKernelTable`) per line sample.
    let levels: SharedBuffer<UInt16>
    /// Complex lines after the axial kernels.
    let axialRe: FloatBuffer, axialIm: FloatBuffer
    /// Envelope lines after the lateral profile, the noise and the TGC.
    let envelope: FloatBuffer
    /// Linear display pixels, row-major.
    let pixels: FloatBuffer

    private init(lineCount: Int, sampleCount: Int, pixelCount: Int) {
        self.lineCount = lineCount; self.sampleCount = sampleCount; self.pixelCount = pixelCount
        let n = lineCount * sampleCount
        re = FloatBuffer(count: n); im = FloatBuffer(count: n)
        levels = SharedBuffer(count: n)
        axialRe = FloatBuffer(count: n); axialIm = FloatBuffer(count: n)
        envelope = FloatBuffer(count: n)
        pixels = FloatBuffer(count: pixelCount)
    }

    /// A workspace for frames of this size: a kept one if there is one, else a new one.
    static func take(lineCount: Int, sampleCount: Int, pixelCount: Int) -> FrameWorkspace {
        lock.lock()
        if let i = free.firstIndex(where: { $0.lineCount == lineCount && $0.sampleCount == sampleCount && $0.pixelCount == pixelCount }) {
            let w = free.remove(at: i)
            lock.unlock()
            return w
        }
        lock.unlock()
        return FrameWorkspace(lineCount: lineCount, sampleCount: sampleCount, pixelCount: pixelCount)
    }

    /// Returns a workspace to the pool once its frame is done with it; the oldest kept one goes when the
    /// pool is full.
    static func giveBack(_ workspace: FrameWorkspace) {
        lock.lock()
        if free.count >= keptWorkspaces { free.removeFirst() }
        free.append(workspace)
        lock.unlock()
    }

    /// How many idle workspaces the process keeps (chosen: frames rendered at once on a 2-core machine by a
    /// few web sessions; ≈ 7 MB each at the default settings).
    static let keptWorkspaces = 4

    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [FrameWorkspace] = []
}
