// GDCM behind a C interface (see include/CDICOM.h). Every GDCM call is inside a try block: a C++ exception
// never crosses into Swift.
#include "CDICOM.h"

#include <gdcmAttribute.h>
#include <gdcmDataSet.h>
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmPixelFormat.h>
#include <gdcmReader.h>
#include <gdcmTag.h>
#include <gdcmTrace.h>

#include <csetjmp>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// GDCM reports an incomplete (truncated) pixel data element or a corrupt fragment only as a warning on
/// its one global trace stream, and then pads the image; so every GDCM call runs under this lock with the
/// warnings captured, and the warnings that mean missing data are turned into errors.
std::mutex gdcmLock;

/// The captured warnings that mean the file's data is incomplete, or empty.
std::string dataLoss(const std::string &warnings) {
    for (const char *sign : {"Incomplete Pixel Data", "Fragment could not be read", "could be corrupted"}) {
        if (warnings.find(sign) != std::string::npos) return sign;
    }
    return "";
}

/// Captures GDCM's warnings and errors while it lives (hold `gdcmLock`); sends them to stderr again after.
struct CapturedTrace {
    std::ostringstream text;
    CapturedTrace() {
        gdcm::Trace::SetWarningStream(text);
        gdcm::Trace::SetErrorStream(text);
        gdcm::Trace::WarningOn();
        gdcm::Trace::ErrorOn();
    }
    ~CapturedTrace() {
        gdcm::Trace::SetWarningStream(std::cerr);
        gdcm::Trace::SetErrorStream(std::cerr);
    }
};

void fail(char *error, size_t capacity, const std::string &message) {
    if (error && capacity > 0) std::snprintf(error, capacity, "%s", message.c_str());
}

/// The element's value as text without DICOM's trailing space / NUL padding; empty when absent.
std::string text(const gdcm::DataSet &ds, const gdcm::Tag &tag) {
    if (!ds.FindDataElement(tag)) return "";
    const gdcm::DataElement &de = ds.GetDataElement(tag);
    const gdcm::ByteValue *bv = de.GetByteValue();
    if (!bv || bv->GetLength() == 0) return "";
    std::string s(bv->GetPointer(), bv->GetLength());
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    size_t start = s.find_first_not_of(' ');
    return start == std::string::npos ? "" : s.substr(start);
}

/// Backslash-separated decimal strings (VR DS / IS) as numbers; false when any is not a number.
bool numbers(const std::string &s, std::vector<double> &out) {
    out.clear();
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find('\\', start);
        if (end == std::string::npos) end = s.size();
        std::string part = s.substr(start, end - start);
        char *stop = nullptr;
        double v = std::strtod(part.c_str(), &stop);
        while (stop && *stop == ' ') ++stop;
        if (part.empty() || !stop || *stop != '\0') return false;
        out.push_back(v);
        start = end + 1;
    }
    return true;
}

void copy(char *dst, size_t capacity, const std::string &s) { std::snprintf(dst, capacity, "%s", s.c_str()); }

/// A US value (binary, the file's byte order: big endian only in the retired 1.2.840.10008.1.2.2).
unsigned unsignedShort(const gdcm::DataSet &ds, const gdcm::Tag &tag, unsigned fallback, bool bigEndian) {
    if (!ds.FindDataElement(tag)) return fallback;
    const gdcm::ByteValue *bv = ds.GetDataElement(tag).GetByteValue();
    if (!bv || bv->GetLength() < 2) return fallback;
    const unsigned char *p = reinterpret_cast<const unsigned char *>(bv->GetPointer());
    return bigEndian ? (unsigned(p[0]) << 8) | unsigned(p[1]) : unsigned(p[0]) | (unsigned(p[1]) << 8);
}

/// The file's transfer syntax UID, or "?".
std::string syntaxName(const gdcm::File &file) {
    const char *name = file.GetHeader().GetDataSetTransferSyntax().GetString();
    return name ? name : "?";
}

/// Where a failed GDCM assertion returns to: set only on the thread inside `guarded`, for its GDCM call.
thread_local sigjmp_buf *abortTarget = nullptr;

/// Debian builds GDCM with its assertions on: a file that breaks one (a fuzzed Samples per Pixel of 9, a
/// delimiter out of place) would abort the whole process. During a guarded call SIGABRT on that thread
/// jumps back to `guarded`, which reports the file; any other SIGABRT takes its usual course.
void onAbort(int) {
    if (abortTarget) siglongjmp(*abortTarget, 1);
    std::signal(SIGABRT, SIG_DFL);
    std::raise(SIGABRT);
}

/// During a guarded call, the largest single C++ allocation allowed on that thread, bytes (0: no cap). GDCM
/// allocates a data element's value at the length it reads; `DICOMElementLengths` checks those lengths
/// before GDCM runs, but where GDCM parses a damaged file differently (a mutated meta group made it read
/// four bytes of text as a length: a 3 KB file asked for 1.5 GB, found by the `dicom` fuzz target) the cap
/// still holds: the allocation throws std::bad_alloc and the file is refused.
thread_local size_t allocationCapBytes = 0;

/// Runs `body` under `gdcmLock` with GDCM's trace captured and its allocations capped at `capBytes`; a C++
/// exception or a failed GDCM assertion becomes a sentence in `error`. (After an assertion the objects of
/// the abandoned GDCM frames are leaked, not destroyed: a few kilobytes per refused file.)
template <typename Body> int guarded(char *error, size_t capacity, size_t capBytes, Body body) {
    std::lock_guard<std::mutex> lock(gdcmLock);
    allocationCapBytes = capBytes;
    CapturedTrace trace;
    struct sigaction ours {}, previous {};
    ours.sa_handler = onAbort;
    sigemptyset(&ours.sa_mask);
    sigaction(SIGABRT, &ours, &previous);
    sigjmp_buf target;
    int result = 1;
    if (sigsetjmp(target, 1) == 0) {
        abortTarget = &target;
        try {
            result = body(trace);
        } catch (const std::exception &e) {
            fail(error, capacity, std::string("GDCM: ") + e.what());
        } catch (...) {
            fail(error, capacity, "GDCM failed on this file");
        }
    } else {
        fail(error, capacity, "GDCM stopped on an inconsistency in this file (one of its internal checks failed)");
        result = 1;
    }
    abortTarget = nullptr;
    allocationCapBytes = 0;
    sigaction(SIGABRT, &previous, nullptr);
    return result;
}

/// The size of the file at `path`, bytes (0 when it cannot be read).
size_t fileBytes(const char *path) {
    FILE *f = std::fopen(path, "rb");
    if (!f) return 0;
    std::fseek(f, 0, SEEK_END);
    long n = std::ftell(f);
    std::fclose(f);
    return n > 0 ? size_t(n) : 0;
}

/// A header read holds at most the file's own bytes in any one value, plus slack for GDCM's own tables.
size_t headerCap(const char *path) { return fileBytes(path) + (size_t(16) << 20); }

/// A decode may expand compressed pixel data: at most the largest image read (8192² pixels of 8 bytes,
/// `DICOMFileHeader.maximumSidePixels`) plus slack.
constexpr size_t decodeCap = (size_t(8192) * 8192 * 8) + (size_t(64) << 20);

}  // namespace

// Every `new` of the process's C++ code (GDCM, libstdc++, parts of the Swift runtime) goes through malloc as
// before; only on a thread inside a guarded GDCM call, one larger than its cap throws std::bad_alloc.
void *operator new(size_t n) {
    if (allocationCapBytes != 0 && n > allocationCapBytes) throw std::bad_alloc();
    if (void *p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void *operator new[](size_t n) { return ::operator new(n); }
void *operator new(size_t n, const std::nothrow_t &) noexcept {
    if (allocationCapBytes != 0 && n > allocationCapBytes) return nullptr;
    return std::malloc(n ? n : 1);
}
void *operator new[](size_t n, const std::nothrow_t &t) noexcept { return ::operator new(n, t); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, size_t) noexcept { std::free(p); }
void operator delete[](void *p, size_t) noexcept { std::free(p); }

extern "C" int pg_dicom_read_header(const char *path, PGDICOMHeader *h, char *error, size_t capacity) {
    return guarded(error, capacity, headerCap(path), [&](CapturedTrace &) {
        std::memset(h, 0, sizeof *h);
        h->rescaleSlope = 1;
        h->samplesPerPixel = 1;
        h->numberOfFrames = 1;
        gdcm::Reader reader;
        reader.SetFileName(path);
        // The whole file (pixel data read, not decoded): ReadUpToTag reads to the end as well, and the
        // pixel data element's presence is wanted.
        if (!reader.Read()) {
            fail(error, capacity, "not a DICOM file GDCM can read");
            return 1;
        }
        const gdcm::File &file = reader.GetFile();
        const gdcm::DataSet &ds = file.GetDataSet();
        copy(h->transferSyntaxUID, sizeof h->transferSyntaxUID, syntaxName(file));
        const bool bigEndian = file.GetHeader().GetDataSetTransferSyntax() == gdcm::TransferSyntax::ExplicitVRBigEndian;
        copy(h->seriesInstanceUID, sizeof h->seriesInstanceUID, text(ds, gdcm::Tag(0x0020, 0x000e)));
        copy(h->sopInstanceUID, sizeof h->sopInstanceUID, text(ds, gdcm::Tag(0x0008, 0x0018)));
        copy(h->modality, sizeof h->modality, text(ds, gdcm::Tag(0x0008, 0x0060)));
        std::vector<double> v;
        if (numbers(text(ds, gdcm::Tag(0x0020, 0x0032)), v) && v.size() == 3) {
            h->hasImagePosition = 1;
            for (int i = 0; i < 3; ++i) h->imagePositionPatient[i] = v[i];
        }
        if (numbers(text(ds, gdcm::Tag(0x0020, 0x0037)), v) && v.size() == 6) {
            h->hasImageOrientation = 1;
            for (int i = 0; i < 6; ++i) h->imageOrientationPatient[i] = v[i];
        }
        if (numbers(text(ds, gdcm::Tag(0x0028, 0x0030)), v) && v.size() == 2) {
            h->hasPixelSpacing = 1;
            h->pixelSpacing[0] = v[0];
            h->pixelSpacing[1] = v[1];
        }
        if (numbers(text(ds, gdcm::Tag(0x0018, 0x1120)), v) && v.size() == 1) {
            h->hasGantryTilt = 1;
            h->gantryTiltDeg = v[0];
        }
        if (numbers(text(ds, gdcm::Tag(0x0028, 0x1053)), v) && v.size() == 1) h->rescaleSlope = v[0];
        if (numbers(text(ds, gdcm::Tag(0x0028, 0x1052)), v) && v.size() == 1) h->rescaleIntercept = v[0];
        if (numbers(text(ds, gdcm::Tag(0x0028, 0x0008)), v) && v.size() == 1 && v[0] >= 1) h->numberOfFrames = unsigned(v[0]);
        h->rows = unsignedShort(ds, gdcm::Tag(0x0028, 0x0010), 0, bigEndian);
        h->columns = unsignedShort(ds, gdcm::Tag(0x0028, 0x0011), 0, bigEndian);
        h->samplesPerPixel = unsignedShort(ds, gdcm::Tag(0x0028, 0x0002), 1, bigEndian);
        h->hasPixelData = ds.FindDataElement(gdcm::Tag(0x7fe0, 0x0010));
        return 0;
    });
}

extern "C" int pg_dicom_read_stored_values(const char *path, double *values, size_t count, char *error, size_t capacity) {
    return guarded(error, capacity, decodeCap, [&](CapturedTrace &trace) {
        gdcm::ImageReader reader;
        reader.SetFileName(path);
        if (!reader.Read()) {
            fail(error, capacity, "GDCM cannot read its image");
            return 1;
        }
        if (std::string loss = dataLoss(trace.text.str()); !loss.empty()) {
            fail(error, capacity, "its pixel data is cut short (GDCM: " + loss + ")");
            return 1;
        }
        const gdcm::Image &image = reader.GetImage();
        const gdcm::PixelFormat &pf = image.GetPixelFormat();
        const unsigned columns = image.GetDimension(0), rows = image.GetDimension(1);
        const unsigned frames = image.GetNumberOfDimensions() > 2 ? image.GetDimension(2) : 1;
        if (pf.GetSamplesPerPixel() != 1 || frames != 1) {
            fail(error, capacity, "only single-frame greyscale images are read (this one has " + std::to_string(pf.GetSamplesPerPixel()) +
                 " samples per pixel and " + std::to_string(frames) + " frames)");
            return 1;
        }
        if (size_t(columns) * rows != count) {
            fail(error, capacity, "its image is " + std::to_string(columns) + " × " + std::to_string(rows) +
                 " pixels, not the " + std::to_string(count) + " its header promised");
            return 1;
        }
        std::vector<char> buffer(image.GetBufferLength());
        if (!image.GetBuffer(buffer.data())) {
            fail(error, capacity, "GDCM cannot decode its pixel data (transfer syntax " + syntaxName(reader.GetFile()) + ")");
            return 1;
        }
        auto convert = [&](auto sample) -> bool {
            using T = decltype(sample);
            if (buffer.size() < count * sizeof(T)) return false;
            for (size_t i = 0; i < count; ++i) {
                T v;
                std::memcpy(&v, buffer.data() + i * sizeof(T), sizeof(T));
                values[i] = double(v);
            }
            return true;
        };
        if (std::string loss = dataLoss(trace.text.str()); !loss.empty()) {
            fail(error, capacity, "its pixel data could not be decoded whole (GDCM: " + loss + ")");
            return 1;
        }
        bool ok = false;
        switch (pf.GetScalarType()) {
        case gdcm::PixelFormat::UINT8: ok = convert(uint8_t()); break;
        case gdcm::PixelFormat::INT8: ok = convert(int8_t()); break;
        case gdcm::PixelFormat::UINT12:
        case gdcm::PixelFormat::UINT16: ok = convert(uint16_t()); break;
        case gdcm::PixelFormat::INT12:
        case gdcm::PixelFormat::INT16: ok = convert(int16_t()); break;
        case gdcm::PixelFormat::UINT32: ok = convert(uint32_t()); break;
        case gdcm::PixelFormat::INT32: ok = convert(int32_t()); break;
        case gdcm::PixelFormat::FLOAT32: ok = convert(float()); break;
        case gdcm::PixelFormat::FLOAT64: ok = convert(double()); break;
        default:
            fail(error, capacity, std::string("pixel type ") + pf.GetScalarTypeAsString() + " is not read (allowed: 8-, 16- or 32-bit integers, 32- or 64-bit floats)");
            return 1;
        }
        if (!ok) {
            fail(error, capacity, "its decoded pixel data is shorter than its " + std::to_string(columns) + " × " + std::to_string(rows) + " image");
            return 1;
        }
        return 0;
    });
}
