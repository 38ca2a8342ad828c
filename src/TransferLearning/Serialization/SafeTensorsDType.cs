namespace TransferLearning.Serialization;

/// <summary>
/// The element types a safetensors header may name. The loader knows their sizes (so that every byte range
/// can be checked), but converts only the floating-point ones, to float32.
/// </summary>
internal enum SafeTensorsDType
{
    /// <summary>IEEE 754 binary64.</summary>
    F64,

    /// <summary>IEEE 754 binary32: what this library writes.</summary>
    F32,

    /// <summary>IEEE 754 binary16.</summary>
    F16,

    /// <summary>bfloat16: the top 16 bits of a binary32.</summary>
    BF16,

    /// <summary>Signed 64-bit integer (PyTorch's <c>num_batches_tracked</c>).</summary>
    I64,

    /// <summary>Signed 32-bit integer.</summary>
    I32,

    /// <summary>Signed 16-bit integer.</summary>
    I16,

    /// <summary>Signed 8-bit integer.</summary>
    I8,

    /// <summary>Unsigned 64-bit integer.</summary>
    U64,

    /// <summary>Unsigned 32-bit integer.</summary>
    U32,

    /// <summary>Unsigned 16-bit integer.</summary>
    U16,

    /// <summary>Unsigned 8-bit integer.</summary>
    U8,

    /// <summary>Boolean, one byte.</summary>
    Bool,
}
