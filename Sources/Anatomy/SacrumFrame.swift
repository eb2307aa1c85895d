import Foundation

/// The modelled sacrum's frame and shape, anchored below the L5 body.
///
/// Frame: origin at the centre of the S1 superior endplate; `up` is the endplate's cranial normal,
/// `posterior` lies in the endplate and the sagittal plane, lateral is world x. Local coordinates
/// (u, v, w): u = x, v along `posterior`, w = depth below the endplate (caudal, ≥ 0 inside).
struct SacrumFrame {
    var origin: Vector3
    var up: Vector3
    var posterior: Vector3
    /// S1 body semi-axes (lateral, AP), from the L5 inferior endplate.
    var bodyRadiusU: Double
    var bodyRadiusV: Double
    /// Length from the S1 endplate to the apex, mm (adult sacrum ≈100 mm; NOT FOUND, chosen).
    var lengthMm = 100.0
    /// Half-width across the alae, mm (the transverse span of L5 is ≈97 mm, `CELavecchia/LMG`,
    /// DATASHEET §1b; the sacral base is a little wider than the L5 body's 47 mm endplate).
    var alarHalfWidth = 52.0
    /// Sacral canal at S1: width 28.2 mm continues the L5 canal (Cook & Baker 2021, DATASHEET §1b); depth chosen.
    var canalHalfWidthTop = 13.0
    var canalHalfDepthTop = 6.5
    var canalCentreV: Double { bodyRadiusV + canalHalfDepthTop + 0.5 }
    /// Roof (S1 lamina) thickness, mm: lamina ≈6 mm thick (Wang 2024, DATASHEET §1b).
    var roofMm = 6.0

    func local(_ p: Vector3) -> (u: Double, v: Double, w: Double) {
        let d = p - origin
        return (d.x, d.dot(posterior), -d.dot(up))
    }

    func world(u: Double, v: Double, w: Double) -> Vector3 {
        origin + Vector3(u, 0, 0) + posterior * v - up * w
    }

    /// Forward shift of the sacral axis with depth (kyphosis): ≈15 mm at the apex (chosen).
    func kyphosisV(_ w: Double) -> Double { -15 * pow(max(0, w) / lengthMm, 2) }

    func canalHalfWidth(_ w: Double) -> Double { canalHalfWidthTop - 7 * min(1, max(0, w) / lengthMm) }
    func canalHalfDepth(_ w: Double) -> Double { canalHalfDepthTop - 3.5 * min(1, max(0, w) / lengthMm) }

    /// True when a point lies inside the sacral canal (open above the endplate too, to join L5's).
    func inCanal(_ u: Double, _ v: Double, _ w: Double) -> Bool {
        guard w < lengthMm else { return false }
        let cu = u / canalHalfWidth(w), cv = (v - canalCentreV - kyphosisV(w)) / canalHalfDepth(w)
        return cu * cu + cv * cv < 1
    }

    /// True when a point is sacral bone (before the canal, foramina and S1 facets are carved).
    func inBone(_ u: Double, _ v: Double, _ w: Double) -> Bool {
        guard w >= 0, w <= lengthMm else { return false }
        let t = w / lengthMm
        let front = -bodyRadiusV + 14 * t
        let back = bodyRadiusV + 2 * canalHalfDepthTop + roofMm - 24 * t
        let halfWidth = w < 35 ? alarHalfWidth : alarHalfWidth - 32 * (w - 35) / (lengthMm - 35)
        let vv = v - kyphosisV(w)
        let mid = (front + back) / 2, halfDepth = (back - front) / 2
        let su = u / halfWidth, sv = (vv - mid) / halfDepth
        guard su * su * su * su + sv * sv * sv * sv <= 1 else {
            // Median sacral crest: a ridge on the dorsal midline.
            return abs(u) < 4 && vv >= back && vv <= back + 6 && w > 15 && w < 0.75 * lengthMm
        }
        // The alae slope down laterally from the body's endplate; the lamina starts a little lower.
        if abs(u) > bodyRadiusU { return w >= 2 + 0.35 * (abs(u) - bodyRadiusU) }
        if vv > bodyRadiusV { return w >= 3 }
        return true
    }
}
