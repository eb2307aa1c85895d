#!/usr/bin/env python3
"""ParsGuide's point-spread function against SIMUS (pymust, the Python port of the MUST toolbox).

For the Verasonics C5-2v (pymust's own `getparam('C5-2v')`: 128 elements, pitch 0.508 mm, width 0.46 mm,
radius 49.57 mm, height 13.5 mm, elevation focus 60 mm, 3.57 MHz, 79 % bandwidth — the parameters
ParsGuide's `c5-2` preset uses) and a point scatterer in water (c = 1540 m/s, no attenuation) at 30, 50, 70
and 90 mm on the central line, with the transmit focus at the point's depth and at a fixed 60 mm, it
prints the axial, lateral and elevation FWHM of both simulators and their ratios, and exits non-zero if any
ParsGuide width is more than 15 % from SIMUS's.

Matched settings (both sides): a 1-cycle sine excitation at f0 (SIMUS `TXnow = 1`, ParsGuide
`--excitation-cycles 1`); transmit aperture round(focus / 2 / pitch) elements (F/2, made even on the SIMUS
side so it is centred on the array's even element grid), delays focusing on the line at the focus; dynamic
receive with the elements within depth / 1.7 / 2 of the line (F/1.7), delay-and-sum of the channel RF's
analytic signal (linear interpolation, fs = 16 f0). Widths: axial and lateral from the envelope through its
peak (lateral: the point moved along the arc of its depth), elevation from the peak echo as the point leaves
the image plane — step out by 0.5 mm (lateral) or 1 mm (elevation), then bisect.

Two pymust pitfalls handled here: `simus` stores the first call's frequency step in the parameter object
(`param.df`) and reuses it, so every call gets a fresh copy of the parameters; and y = 0 exactly switches
SIMUS to its 2-D model (no elevation focusing, cylindrical spreading), so the point sits 2 µm off the plane.

Usage: bench/psf-vs-simus.py [--depths 30,50,70,90] [--tolerance 0.15]
Installs pymust (and numpy, scipy) with pip when missing and builds ParsGuide in release when needed.
"""
import argparse, copy, json, os, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "parsguide")


def ensure_dependencies():
    try:
        import numpy, scipy, pymust  # noqa: F401
    except ImportError:
        print("installing pymust, numpy and scipy with pip", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pymust", "numpy", "scipy"], check=True)
    if not os.access(BINARY, os.X_OK):
        subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True)


class Simus:
    """A point scatterer through SIMUS and a delay-and-sum beamformer, for one focus."""

    def __init__(self, focus_m):
        import numpy as np, pymust
        self.np, self.pymust = np, pymust
        p = pymust.getparam("C5-2v")
        p.c = 1540.0
        p.fs = 16 * p.fc
        p.TXnow = 1
        self.p = p
        xe, ze, _, h = p.getElementPositions()
        self.xe, self.ze, self.h = xe.ravel(), ze.ravel(), float(np.ravel(h)[0])
        n, pitch = p.Nelements, p.pitch
        self.u = (np.arange(n) - (n - 1) / 2) * pitch
        ntx = min(n, max(1, int(round(focus_m / 2.0 / pitch))))
        ntx += ntx % 2
        self.tx = np.argsort(np.abs(self.u))[:ntx]
        self.focus = focus_m
        self.focal = np.sqrt(self.xe ** 2 + (self.ze - (p.radius + focus_m - self.h)) ** 2)
        delays = np.full(n, np.nan)
        delays[self.tx] = (self.focal[self.tx].max() - self.focal[self.tx]) / p.c
        self.delays = delays.reshape(1, -1)

    def envelope(self, depth_m, lateral_m=0.0, elevation_m=0.0, window_m=1.5e-3):
        """Beamformed envelope on the central line around depth_m, for a point moved lateral_m along the arc
        of its depth and elevation_m out of the plane."""
        np, p = self.np, self.p
        from scipy.signal import hilbert
        rr = p.radius + depth_m
        phi = lateral_m / rr
        x, z = rr * np.sin(phi), rr * np.cos(phi) - self.h
        rf, _ = self.pymust.simus(np.array([x]), np.array([elevation_m + 2e-6]), np.array([z]), np.array([1.0]),
                                  self.delays, copy.deepcopy(p))
        analytic = hilbert(rf, axis=0)
        t = np.arange(analytic.shape[0]) / p.fs
        line = np.arange(depth_m - window_m, depth_m + window_m, p.c / p.fc / 40)
        t0 = (self.focal[self.tx].max() - self.focus) / p.c
        nrx = min(p.Nelements, max(1, int(round(depth_m / 1.7 / p.pitch))))
        rx = np.where(np.abs(self.u) <= nrx * p.pitch / 2 + 1e-12)[0]
        out = np.zeros(len(line), complex)
        for e in rx:
            tt = t0 + line / p.c + np.sqrt(self.xe[e] ** 2 + (self.ze[e] - (p.radius + line - self.h)) ** 2) / p.c
            out += np.interp(tt, t, analytic[:, e].real) + 1j * np.interp(tt, t, analytic[:, e].imag)
        return line, np.abs(out)

    def widths(self, depth_m):
        line, env = self.envelope(depth_m)
        peak = env.max()
        axial = fwhm(line, env)
        lateral = 2 * half_width(lambda s: self.envelope(depth_m, lateral_m=s)[1].max(), peak, 0.5e-3)
        elevation = 2 * half_width(lambda y: self.envelope(depth_m, elevation_m=y)[1].max(), peak, 1e-3)
        return {"axial": axial * 1e3, "lateral": lateral * 1e3, "elevation": elevation * 1e3}


def fwhm(x, v):
    import numpy as np
    i = int(np.argmax(v)); half = v[i] / 2; l = r = i
    while l > 0 and v[l] >= half: l -= 1
    while r < len(v) - 1 and v[r] >= half: r += 1
    return np.interp(half, [v[r], v[r - 1]], [x[r], x[r - 1]]) - np.interp(half, [v[l], v[l + 1]], [x[l], x[l + 1]])


def half_width(echo, peak, step):
    inside, outside = 0.0, step
    while echo(outside) > peak / 2:
        inside, outside = outside, outside + step
    for _ in range(10):
        mid = (inside + outside) / 2
        if echo(mid) > peak / 2: inside = mid
        else: outside = mid
    return (inside + outside) / 2


def parsguide(depth_mm, focus_mm):
    out = subprocess.run([BINARY, "ultrasound", "--phantom", "point", f"--depth-mm={depth_mm}", f"--focus-mm={focus_mm}",
                          "--excitation-cycles=1", "--json"], check=True, capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return {"axial": r["axialFWHMMm"], "lateral": r["lateralFWHMMm"], "elevation": r["elevationFWHMMm"]}, r


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--depths", default="30,50,70,90", help="point depths, mm")
    parser.add_argument("--tolerance", type=float, default=0.15, help="largest allowed |ParsGuide/SIMUS − 1|")
    args = parser.parse_args()
    ensure_dependencies()
    import pymust
    depths = [float(d) for d in args.depths.split(",")]
    import importlib.metadata
    print(f"SIMUS: pymust {importlib.metadata.version('pymust')}, C5-2v getparam, c 1540 m/s, TXnow 1, fs 16 f0")
    print("widths in mm: SIMUS / ParsGuide (ratio)")
    print(f"{'focus':>6} {'depth':>6} | {'axial':^22} | {'lateral':^22} | {'elevation':^22} | s")
    failures, settings = [], None
    for focus_mode in ("depth", "60"):
        for depth in depths:
            focus = depth if focus_mode == "depth" else 60.0
            start = time.time()
            ref = Simus(focus * 1e-3).widths(depth * 1e-3)
            ours, settings = parsguide(depth, focus)
            cells = []
            for key in ("axial", "lateral", "elevation"):
                ratio = ours[key] / ref[key]
                if abs(ratio - 1) > args.tolerance: failures.append(f"{key} at {depth:g} mm, focus {focus:g} mm: ratio {ratio:.3f}")
                cells.append(f"{ref[key]:6.3f} / {ours[key]:6.3f} ({ratio:4.2f})")
            print(f"{focus_mode:>6} {depth:6.0f} | " + " | ".join(cells) + f" | {time.time() - start:.0f}", flush=True)
    keys = ("excitationCycles", "centreFrequencyMHz", "fractionalBandwidth", "transmitFNumber", "receiveFNumber", "soundSpeedMPerS", "lines")
    print("ParsGuide settings: " + ", ".join(f"{k} {settings[k]:g}" for k in keys))
    if failures:
        print(f"outside ±{args.tolerance:.0%}: " + "; ".join(failures))
        sys.exit(1)
    print(f"every width within ±{args.tolerance:.0%} of SIMUS")


if __name__ == "__main__":
    main()
