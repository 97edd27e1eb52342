#!/usr/bin/env python3
"""Writes the tiny zipped Shapefile fixtures in test/in/ byte by byte (Python standard library only).

Run once from this folder: python3 make-shapefile-fixtures.py. The .zip files are committed;
this script documents exactly what is inside them.
"""
import io
import struct
import zipfile

WGS84_PRJ = 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
WEB_MERCATOR_PRJ = 'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]'

# Two adjacent community squares near Xinjiekou, Nanjing (WGS-84). Rings are clockwise, as Shapefile requires.
COMMUNITIES = [
    ('320102003001', '石鼓路社区', 1200, [(118.780, 32.040), (118.780, 32.045), (118.785, 32.045), (118.785, 32.040), (118.780, 32.040)]),
    ('320102003002', '丰富路社区', 950, [(118.785, 32.040), (118.785, 32.045), (118.790, 32.045), (118.790, 32.040), (118.785, 32.040)]),
]

def polygon_shp(rings):
    """Returns (.shp bytes, .shx bytes) for one single-ring polygon per record."""
    records, index = [], []
    offset_words = 50
    all_points = [p for ring in rings for p in ring]
    bbox = (min(p[0] for p in all_points), min(p[1] for p in all_points), max(p[0] for p in all_points), max(p[1] for p in all_points))
    for number, ring in enumerate(rings, start=1):
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        content = struct.pack('<i4d2i', 5, min(xs), min(ys), max(xs), max(ys), 1, len(ring)) + struct.pack('<i', 0)
        content += b''.join(struct.pack('<2d', x, y) for x, y in ring)
        records.append(struct.pack('>2i', number, len(content) // 2) + content)
        index.append(struct.pack('>2i', offset_words, len(content) // 2))
        offset_words += 4 + len(content) // 2

    def header(length_bytes):
        return struct.pack('>7i', 9994, 0, 0, 0, 0, 0, length_bytes // 2) + struct.pack('<2i4d4d', 1000, 5, *bbox, 0, 0, 0, 0)

    shp_body = b''.join(records)
    shx_body = b''.join(index)
    return header(100 + len(shp_body)) + shp_body, header(100 + len(shx_body)) + shx_body

def dbf(rows, encoding, language_driver=0):
    fields = [(b'CODE', b'C', 12, 0), (b'NAME', b'C', 40, 0), (b'HOUSEHOLDS', b'N', 8, 0)]
    record_length = 1 + sum(f[2] for f in fields)
    header_length = 32 + 32 * len(fields) + 1
    out = io.BytesIO()
    out.write(struct.pack('<4BIHH', 3, 124, 1, 1, len(rows), header_length, record_length))
    out.write(bytes(17) + bytes([language_driver]) + bytes(2))
    for name, kind, length, decimals in fields:
        out.write(name.ljust(11, b'\0') + kind + bytes(4) + bytes([length, decimals]) + bytes(14))
    out.write(b'\r')
    for code, name, households in rows:
        out.write(b' ' + code.encode('ascii').ljust(12) + name.encode(encoding).ljust(40) + str(households).encode('ascii').rjust(8))
    out.write(b'\x1a')
    return out.getvalue()

def write_zip(path, files):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)

def to_web_mercator(lon, lat):
    import math
    return lon * 20037508.342789244 / 180, math.log(math.tan((90 + lat) * math.pi / 360)) * 6378137.0

rows = [(c, n, h) for c, n, h, _ in COMMUNITIES]
rings = [r for *_, r in COMMUNITIES]
shp, shx = polygon_shp(rings)

write_zip('in/communities-utf8.zip', {
    'communities.shp': shp, 'communities.shx': shx, 'communities.dbf': dbf(rows, 'utf-8'),
    'communities.prj': WGS84_PRJ, 'communities.cpg': 'UTF-8'})
# GBK attributes and no .cpg / no language driver: the reader must notice the bytes are not UTF-8.
write_zip('in/communities-gbk-no-cpg.zip', {
    'communities.shp': shp, 'communities.shx': shx, 'communities.dbf': dbf(rows, 'gbk'), 'communities.prj': WGS84_PRJ})
merc_shp, merc_shx = polygon_shp([[to_web_mercator(x, y) for x, y in r] for r in rings])
write_zip('in/communities-web-mercator.zip', {
    'communities.shp': merc_shp, 'communities.shx': merc_shx, 'communities.dbf': dbf(rows, 'utf-8'),
    'communities.prj': WEB_MERCATOR_PRJ, 'communities.cpg': 'UTF-8'})
# Projected metres but no .prj: nothing can reproject it, so validation must call it out.
write_zip('in/communities-mercator-no-prj.zip', {
    'communities.shp': merc_shp, 'communities.shx': merc_shx, 'communities.dbf': dbf(rows, 'utf-8'), 'communities.cpg': 'UTF-8'})
write_zip('in/two-layers.zip', {
    'a.shp': shp, 'a.shx': shx, 'a.dbf': dbf(rows, 'utf-8'), 'b.shp': shp, 'b.shx': shx, 'b.dbf': dbf(rows, 'utf-8')})
write_zip('in/no-shp.zip', {'communities.dbf': dbf(rows, 'utf-8'), 'readme.txt': 'no geometry here'})
