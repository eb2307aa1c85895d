import Foundation
import Testing
@testable import Anatomy

/// The subject build's stages run and can be swapped one at a time: each reads only its declared inputs
/// and writes only its own structures.
@Suite struct PhantomStageTests {
    static let voxelMm = 2.0

    static func labels(in volume: Volume<UInt8>) -> Set<UInt8> { Set(volume.voxels) }

    @Test("Each stage adds only its own structures: bones, then joints and canal, then the body, then the CT")
    func stagesAddTheirOwnStructures() throws {
        let bones = try BoneStage(voxelMm: Self.voxelMm, progress: { _ in }).run()
        let boneLabels = Self.labels(in: bones.spine)
        let expectedBones = Set([Tissue.air, .l1, .l2, .l3, .l4, .l5, .sacrum].map(\.rawValue))
        #expect(boneLabels == expectedBones, "bones stage wrote \(boneLabels.sorted())")
        #expect(bones.placed.sacrum.canal.count >= 2, "the sacral canal is measured with the sacrum")

        let spine = try JointsAndCanalStage(bones: bones, defects: ParsDefect.flagship, progress: { _ in }).run()
        let spineLabels = Self.labels(in: spine.spine)
        for t in [Tissue.facetJoint, .intervertebralDisc, .dura, .cerebrospinalFluid, .nerveRoot, .ligament, .parsDefect, .epiduralFat] {
            #expect(spineLabels.contains(t.rawValue), "joints-and-canal stage is missing \(t.name)")
        }
        for t in [Tissue.skin, .subcutaneousFat, .muscle, .ilium, .multifidus] {
            #expect(!spineLabels.contains(t.rawValue), "joints-and-canal stage wrote \(t.name), which belongs to the body")
        }
        #expect(spine.landmarks["L5.left.pars"] != nil && spine.landmarks["sacrum.promontory"] != nil)
        #expect(spine.landmarks["L5.left.skinOverPars"] == nil, "skin points come with the body")

        let body = try SoftTissueStage(spine: spine, habitus: .flagship, progress: { _ in }).run()
        let bodyLabels = Self.labels(in: body.labels)
        for t in [Tissue.skin, .subcutaneousFat, .multifidus, .erectorSpinae, .psoas, .ilium, .sacroiliacJoint, .l5, .dura] {
            #expect(bodyLabels.contains(t.rawValue), "soft-tissue stage output is missing \(t.name)")
        }
        #expect(body.landmarks["L5.left.skinOverPars"] != nil && body.landmarks["ilium.left.crestTop"] != nil)

        let ct = CTStage(body: body, hounsfield: HounsfieldTable(), sex: Habitus.flagship.sex, seed: 1).run()
        #expect(ct.grid.dimensions == body.labels.grid.dimensions)
        #expect(ct.voxels.max()! > 300 && ct.voxels.min()! < -900, "bone and air in the CT")
    }

    @Test("The soft-tissue stage re-runs alone on one spine: another habitus changes the body, not the bones")
    func softTissueStageIsReplaceableAlone() throws {
        let bones = try BoneStage(voxelMm: Self.voxelMm, progress: { _ in }).run()
        let spine = try JointsAndCanalStage(bones: bones, defects: [], progress: { _ in }).run()
        var heavy = Habitus.flagship
        heavy.weightKg = 110
        let lean = try SoftTissueStage(spine: spine, habitus: .flagship, progress: { _ in }).run()
        let obese = try SoftTissueStage(spine: spine, habitus: heavy, progress: { _ in }).run()
        func count(_ t: Tissue, _ v: Volume<UInt8>) -> Int { v.voxels.reduce(0) { $0 + ($1 == t.rawValue ? 1 : 0) } }
        #expect(count(.l5, lean.labels) == count(.l5, obese.labels), "the bones come unchanged from the spine stage")
        #expect(count(.subcutaneousFat, obese.labels) > count(.subcutaneousFat, lean.labels) * 5 / 4)
        let depth = { (b: SoftTissueStage.Output) in b.measurements["L5.left.skinToParsDepthMm"] ?? 0 }
        // Skin-to-epidural depth 3.33 + 0.05 × BMI cm (DATASHEET §3): +36 kg at 177 cm is +11.5 BMI, ≈ +5.7 mm,
        // measured here on 2 mm voxels (± one voxel).
        #expect(depth(obese) >= depth(lean) + 3.7, "skin-to-pars \(depth(lean)) → \(depth(obese)) mm")
    }
}
