// The formats read and write VolumeGeometry's grids, volumes and meshes.
@_exported import VolumeGeometry
