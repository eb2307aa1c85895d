/// The bones as the bone stage placed them (world LPS mm): the vertebra meshes and their measured geometry,
/// the sacrum's frame and mesh, the hip meshes (voxelised later, in the full grid) and the S1 superior
/// articular processes. Later stages read them and never change them.
struct PlacedBones {
    let meshes: [SpinalLevel: TriangleMesh]
    let geo: [SpinalLevel: VertebraGeometry]
    let sacrum: SacrumFrame
    let sacrumMesh: TriangleMesh
    let hipMeshes: [Side: TriangleMesh]
    let s1SuperiorArticularProcess: [Side: Vector3]
}
