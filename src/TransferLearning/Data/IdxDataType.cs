namespace TransferLearning.Data;

/// <summary>The element type of an IDX file: the third byte of its magic number.</summary>
public enum IdxDataType
{
    /// <summary>0x08: unsigned byte (the MNIST family's pixels and labels).</summary>
    UnsignedByte = 0x08,

    /// <summary>0x09: signed byte.</summary>
    SignedByte = 0x09,

    /// <summary>0x0B: 16-bit big-endian integer.</summary>
    Int16 = 0x0B,

    /// <summary>0x0C: 32-bit big-endian integer.</summary>
    Int32 = 0x0C,

    /// <summary>0x0D: 32-bit big-endian IEEE float.</summary>
    Single = 0x0D,

    /// <summary>0x0E: 64-bit big-endian IEEE float.</summary>
    Double = 0x0E,
}
