namespace TransferLearning.Serialization;

/// <summary>The closed mapping between safetensors dtype names and <see cref="SafeTensorsDType"/>.</summary>
internal static class SafeTensorsDTypes
{
    /// <summary>Parses a dtype name as written in a header (<c>"F32"</c>, <c>"BF16"</c>, …).</summary>
    public static bool TryParse(string name, out SafeTensorsDType dtype)
    {
        switch (name)
        {
            case "F64": dtype = SafeTensorsDType.F64; return true;
            case "F32": dtype = SafeTensorsDType.F32; return true;
            case "F16": dtype = SafeTensorsDType.F16; return true;
            case "BF16": dtype = SafeTensorsDType.BF16; return true;
            case "I64": dtype = SafeTensorsDType.I64; return true;
            case "I32": dtype = SafeTensorsDType.I32; return true;
            case "I16": dtype = SafeTensorsDType.I16; return true;
            case "I8": dtype = SafeTensorsDType.I8; return true;
            case "U64": dtype = SafeTensorsDType.U64; return true;
            case "U32": dtype = SafeTensorsDType.U32; return true;
            case "U16": dtype = SafeTensorsDType.U16; return true;
            case "U8": dtype = SafeTensorsDType.U8; return true;
            case "BOOL": dtype = SafeTensorsDType.Bool; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>The header name of <paramref name="dtype"/>.</summary>
    public static string Name(this SafeTensorsDType dtype) => dtype == SafeTensorsDType.Bool ? "BOOL" : dtype.ToString();

    /// <summary>The size of one element in bytes.</summary>
    public static int Size(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 or SafeTensorsDType.I64 or SafeTensorsDType.U64 => 8,
        SafeTensorsDType.F32 or SafeTensorsDType.I32 or SafeTensorsDType.U32 => 4,
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.I16 or SafeTensorsDType.U16 => 2,
        _ => 1,
    };

    /// <summary>Whether the loader converts this type to float32.</summary>
    public static bool IsFloatingPoint(this SafeTensorsDType dtype) =>
        dtype is SafeTensorsDType.F64 or SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16;
}
