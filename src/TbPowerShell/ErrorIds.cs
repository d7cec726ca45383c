namespace TbPowerShell;

/// <summary>
/// The error ids of TbPowerShell. Each becomes the first part of an error's
/// <c>FullyQualifiedErrorId</c> (<c>&lt;id&gt;,&lt;full cmdlet class name&gt;</c>); scripts rely on them, so they never change.
/// </summary>
public static class ErrorIds
{
    /// <summary>A tag was empty.</summary>
    public const string EmptyTag = "EmptyTag";

    /// <summary>A value was not a number.</summary>
    public const string InvalidValue = "InvalidValue";

    /// <summary>A wall time was not finite or not after 1970.</summary>
    public const string InvalidWallTime = "InvalidWallTime";

    /// <summary>A run name was absolute or left the log directory.</summary>
    public const string InvalidRun = "InvalidRun";

    /// <summary>The writer given was closed already.</summary>
    public const string WriterClosed = "WriterClosed";

    /// <summary>Writing failed (disk full, directory deleted, ...); unwritten events are kept and retried.</summary>
    public const string WriteFailed = "WriteFailed";

    /// <summary>Closing a writer failed: some events could not be written.</summary>
    public const string CloseFailed = "CloseFailed";

    /// <summary>The log directory could not be created or opened.</summary>
    public const string LogDirCreateFailed = "LogDirCreateFailed";

    /// <summary>A writer option was out of range.</summary>
    public const string InvalidWriterOption = "InvalidWriterOption";

    /// <summary>A path did not exist.</summary>
    public const string PathNotFound = "PathNotFound";

    /// <summary>A path was not a file-system path.</summary>
    public const string NotFileSystemPath = "NotFileSystemPath";

    /// <summary>An event file was damaged; the message gives the offset and what was skipped.</summary>
    public const string EventFileDamaged = "EventFileDamaged";

    /// <summary>An event file or directory could not be read.</summary>
    public const string EventFileUnreadable = "EventFileUnreadable";

    /// <summary>One value of an intact record claimed more than it holds or than a fill may expand to; it was skipped, reading went on.</summary>
    public const string EventValueTooLarge = "EventValueTooLarge";

    /// <summary>One value of an intact record had sizes that contradict each other or a payload that does not parse; it was skipped, reading went on.</summary>
    public const string EventValueMalformed = "EventValueMalformed";

    /// <summary>An image's shape does not fit its data format (rank, sizes, letters).</summary>
    public const string InvalidImageShape = "InvalidImageShape";

    /// <summary>A shape does not match the number of values given.</summary>
    public const string ShapeMismatch = "ShapeMismatch";

    /// <summary>An image has a channel count other than 1, 3 or 4.</summary>
    public const string InvalidChannelCount = "InvalidChannelCount";

    /// <summary>An image is larger than 8192 pixels a side.</summary>
    public const string ImageTooLarge = "ImageTooLarge";

    /// <summary>An image file cannot be read as an image.</summary>
    public const string ImageUnreadable = "ImageUnreadable";

    /// <summary>An audio sample lies outside [-1, 1] (use -Clip).</summary>
    public const string AudioOutOfRange = "AudioOutOfRange";

    /// <summary>Audio input is not usable (channels, sample rate, NaN, not a WAV file).</summary>
    public const string InvalidAudio = "InvalidAudio";

    /// <summary>Histogram bins are not a rule name, a count or increasing edges.</summary>
    public const string InvalidBins = "InvalidBins";

    /// <summary>Histogram values include NaN or infinities (use -SkipNonFinite).</summary>
    public const string NonFiniteValue = "NonFiniteValue";

    /// <summary>No values were given.</summary>
    public const string EmptyData = "EmptyData";

    /// <summary>None, or more than one, of the alternative inputs was given (e.g. -Path and -Data).</summary>
    public const string SourceRequired = "SourceRequired";

    /// <summary>A raw histogram is inconsistent (lengths, order).</summary>
    public const string InvalidHistogram = "InvalidHistogram";

    /// <summary>A file to save exists already and -NoClobber was given.</summary>
    public const string MediaFileExists = "MediaFileExists";

    /// <summary>Two different events of one Save-TbMedia call would be saved to the same file.</summary>
    public const string MediaNameCollision = "MediaNameCollision";

    /// <summary>A file to save would land outside the destination, through a link inside it.</summary>
    public const string MediaPathOutsideDestination = "MediaPathOutsideDestination";

    /// <summary>A grid option is out of range.</summary>
    public const string InvalidGridOption = "InvalidGridOption";

    /// <summary>A file (saved media, an image grid) could not be written.</summary>
    public const string FileWriteFailed = "FileWriteFailed";

    /// <summary>A model hook failed in the background (training went on); reported at the next call for its writer.</summary>
    public const string HookFailed = "HookFailed";

    /// <summary>No sub-module name matched the patterns given to Register-TbHook.</summary>
    public const string NoModuleMatched = "NoModuleMatched";

    /// <summary>The object given is not a TorchSharp module.</summary>
    public const string NotAModule = "NotAModule";

    /// <summary>TorchSharp or libtorch could not be loaded; the message relays TorchSharp's own reason.</summary>
    public const string TorchUnavailable = "TorchUnavailable";

    /// <summary>An object given to a cmdlet is not of a type it handles.</summary>
    public const string UnsupportedInput = "UnsupportedInput";

    /// <summary>Parameters that cannot be used together (e.g. -Pivot with -Wait or non-scalar types, -Smoothing with -MovingAverage).</summary>
    public const string IncompatibleParameters = "IncompatibleParameters";

    /// <summary>A step or time range is empty (its lower bound lies above its upper bound).</summary>
    public const string InvalidRange = "InvalidRange";

    /// <summary>Repair-TbEventFile was given neither -Destination (a repaired copy) nor -Force (repair in place).</summary>
    public const string DestinationRequired = "DestinationRequired";

    /// <summary>A repair destination is not a folder, or is the source's own folder (TensorBoard would read both files).</summary>
    public const string InvalidDestination = "InvalidDestination";

    /// <summary>A repaired copy's file exists already (use -Force), or two sources would be copied to one file.</summary>
    public const string DestinationExists = "DestinationExists";

    /// <summary>A backup folder is not usable (a file, or given without an in-place repair).</summary>
    public const string InvalidBackupPath = "InvalidBackupPath";

    /// <summary>A file holds no intact record at all: not an event file. Repair-TbEventFile leaves it alone; Test-TbEventFile, Get-TbRun and Get-TbTag report it instead of a result.</summary>
    public const string NoIntactRecords = "NoIntactRecords";

    /// <summary>A file changed while it was repaired in place (a writer is still writing it); nothing was replaced.</summary>
    public const string EventFileChanged = "EventFileChanged";

    /// <summary>Writing a repaired file or its backup failed; the destination was left as it was.</summary>
    public const string RepairFailed = "RepairFailed";

    /// <summary>A log directory given to Show-TbBoard or Export-TbReport is a file.</summary>
    public const string NotADirectory = "NotADirectory";

    /// <summary>The port given to Show-TbBoard is in use on the loopback address.</summary>
    public const string PortInUse = "PortInUse";

    /// <summary>A board could not start listening (for a reason other than its port being in use).</summary>
    public const string BoardStartFailed = "BoardStartFailed";

    /// <summary>No running board has the id given to Get-TbBoard or Stop-TbBoard.</summary>
    public const string BoardNotFound = "BoardNotFound";

    /// <summary>The file to write (a report) exists already and -NoClobber was given.</summary>
    public const string FileExists = "FileExists";

    /// <summary>Show-TbChart was called without -Tag: a chart needs the series to draw.</summary>
    public const string TagRequired = "TagRequired";

    /// <summary>A -Tag pattern of Show-TbChart matched no scalar series in the runs read; a literal -Tag value (no wildcard) of Get-TbEvent, Get-TbTag or Get-TbRun matched no value read.</summary>
    public const string TagNotFound = "TagNotFound";

    /// <summary>A literal -Run value (no wildcard) of Get-TbEvent, Get-TbTag or Get-TbRun matched no run below the paths read.</summary>
    public const string RunNotFound = "RunNotFound";

    /// <summary>The -Width or -Height of a chart leaves no room for its plot.</summary>
    public const string ChartTooSmall = "ChartTooSmall";

    /// <summary>A step from a piped row (or a -Step script block) was not a whole number in the range of a long.</summary>
    public const string InvalidStep = "InvalidStep";

    /// <summary>
    /// A piped object had none of the properties Add-TbScalar or Add-TbEvent read from it that the command line
    /// left open (PowerShell's own id for this, kept now that the cmdlets read the properties themselves).
    /// </summary>
    public const string InputObjectNotBound = "InputObjectNotBound";

    /// <summary>A piped object lacked a property its cmdlet needs (Tag or Value) that the command line did not give (PowerShell's own id).</summary>
    public const string InputObjectMissingMandatory = "InputObjectMissingMandatory";

    /// <summary>A call without pipeline input lacked a parameter it needs (Tag or Value of Add-TbScalar; PowerShell's own id).</summary>
    public const string MissingMandatoryParameter = "MissingMandatoryParameter";

    /// <summary>A script block was given to -Tag, -Step, -WallTime or -Run of a call without input to run it on (PowerShell's own id).</summary>
    public const string ScriptBlockArgumentNoInput = "ScriptBlockArgumentNoInput";

    /// <summary>A script block given to -Tag, -Step, -WallTime or -Run failed for an input (PowerShell's own id).</summary>
    public const string ScriptBlockArgumentInvocationFailed = "ScriptBlockArgumentInvocationFailed";

    /// <summary>A hyperparameter was not a string, boolean or number, had a blank name, or none was given.</summary>
    public const string InvalidHyperparameter = "InvalidHyperparameter";

    /// <summary>A metric of Add-TbHyperparameter was not a number or had a blank name.</summary>
    public const string InvalidMetric = "InvalidMetric";

    /// <summary>A hyperparameter's domain was malformed, of another type, or did not hold its value.</summary>
    public const string InvalidHyperparameterDomain = "InvalidHyperparameterDomain";

    /// <summary>A run given other hyperparameters than it already has (a run holds one set).</summary>
    public const string HyperparameterConflict = "HyperparameterConflict";

    /// <summary>Add-TbGraph: -Input was not a TorchSharp tensor, or the model cannot be called with that many tensors.</summary>
    public const string GraphInputInvalid = "GraphInputInvalid";

    /// <summary>Add-TbGraph: the traced forward call failed (the error names the module it failed in).</summary>
    public const string GraphForwardFailed = "GraphForwardFailed";

    /// <summary>A video's shape is not N, T, C, H, W or T, C, H, W with sizes of at least 1 (Add-TbVideo).</summary>
    public const string InvalidVideoShape = "InvalidVideoShape";

    /// <summary>A video's frames are wider or taller than 8192 pixels, or have more pixels in all than a video may (Add-TbVideo).</summary>
    public const string VideoTooLarge = "VideoTooLarge";

    /// <summary>Frames per second were not a positive number (Add-TbVideo).</summary>
    public const string InvalidFrameRate = "InvalidFrameRate";

    /// <summary>A mesh tensor is not B × N × 3 (vertices, faces, colours), or its values are not numbers (Add-TbMesh).</summary>
    public const string InvalidMeshShape = "InvalidMeshShape";

    /// <summary>The faces or colours of a mesh do not match its vertices: another batch size, or colours for another number of vertices (Add-TbMesh).</summary>
    public const string MeshShapeMismatch = "MeshShapeMismatch";

    /// <summary>A face of a mesh names a vertex that does not exist, or an index that is not a whole number (Add-TbMesh).</summary>
    public const string FaceIndexOutOfRange = "FaceIndexOutOfRange";

    /// <summary>A colour of a mesh lies outside 0 to 255 (Add-TbMesh).</summary>
    public const string ColorOutOfRange = "ColorOutOfRange";

    /// <summary>A mesh's -Config holds a value JSON cannot express (Add-TbMesh).</summary>
    public const string InvalidMeshConfig = "InvalidMeshConfig";

    /// <summary>Add-TbEmbedding: the matrix has no points or no columns.</summary>
    public const string EmptyEmbedding = "EmptyEmbedding";

    /// <summary>Add-TbEmbedding: the rows have different lengths, or the data is not a matrix (rank 2).</summary>
    public const string RaggedEmbedding = "RaggedEmbedding";

    /// <summary>Add-TbEmbedding: a coordinate is NaN or infinite (the projector cannot place the point).</summary>
    public const string EmbeddingValueNotFinite = "EmbeddingValueNotFinite";

    /// <summary>Add-TbEmbedding: the number of metadata rows differs from the number of points.</summary>
    public const string MetadataCountMismatch = "MetadataCountMismatch";

    /// <summary>Add-TbEmbedding: metadata rows of different lengths, or a header of another length than the rows.</summary>
    public const string MetadataShapeMismatch = "MetadataShapeMismatch";

    /// <summary>Add-TbEmbedding: a header for single-column metadata, or several columns without a header.</summary>
    public const string MetadataHeaderMismatch = "MetadataHeaderMismatch";

    /// <summary>Add-TbEmbedding: a label or column name holds a tab or a line break.</summary>
    public const string InvalidMetadataLabel = "InvalidMetadataLabel";

    /// <summary>Add-TbEmbedding: the number of label images differs from the number of points.</summary>
    public const string LabelImageCountMismatch = "LabelImageCountMismatch";

    /// <summary>Add-TbEmbedding: the run's projector_config.pbtxt does not parse (it is left alone; nothing is written).</summary>
    public const string ProjectorConfigUnreadable = "ProjectorConfigUnreadable";

    /// <summary>Get-TbEmbedding: a tensors.tsv or metadata.tsv named by projector_config.pbtxt could not be read (that embedding is skipped, or its labels left empty).</summary>
    public const string EmbeddingFileUnreadable = "EmbeddingFileUnreadable";

    /// <summary>Add-TbPrCurve: -Label, -Prediction and -Weight differ in length (a single weight applies to all).</summary>
    public const string PrCurveLengthMismatch = "PrCurveLengthMismatch";

    /// <summary>Add-TbPrCurve: a label is neither 0 nor 1 (nor a boolean).</summary>
    public const string InvalidLabel = "InvalidLabel";

    /// <summary>Add-TbPrCurve: a prediction is NaN or outside [0, 1].</summary>
    public const string InvalidPrediction = "InvalidPrediction";

    /// <summary>Add-TbPrCurve: -NumThresholds is below 2, or a raw curve has fewer than 2 columns.</summary>
    public const string InvalidThresholdCount = "InvalidThresholdCount";

    /// <summary>Add-TbPrCurve: the raw form is incomplete, mixed with -Label/-Prediction, or its rows differ in length.</summary>
    public const string InvalidPrCurve = "InvalidPrCurve";

    /// <summary>Add-TbCustomScalarLayout: the layout is not categories of Multiline or Margin charts (the message says where).</summary>
    public const string InvalidLayout = "InvalidLayout";

    /// <summary>Add-TbText: the rows of a table differ in length, or the table has no cells.</summary>
    public const string InvalidTable = "InvalidTable";

    /// <summary>A location starting with s3:// or az:// is not a valid object-store location (no bucket, a bad name, '..').</summary>
    public const string InvalidStoreUri = "InvalidStoreUri";

    /// <summary>An object (event file) is not in the store.</summary>
    public const string StoreObjectNotFound = "StoreObjectNotFound";

    /// <summary>The bucket (S3) or container (Azure) does not exist.</summary>
    public const string StoreContainerNotFound = "StoreContainerNotFound";

    /// <summary>The store refused the credentials, or none were found.</summary>
    public const string StoreAccessDenied = "StoreAccessDenied";

    /// <summary>The store could not be reached, or the connection was lost, after retries.</summary>
    public const string StoreUnreachable = "StoreUnreachable";

    /// <summary>An object changed under a conditional write (another writer).</summary>
    public const string StoreConflict = "StoreConflict";

    /// <summary>The S3 or Azure provider of the module could not be loaded.</summary>
    public const string StoreProviderMissing = "StoreProviderMissing";

    /// <summary>Any other failure the store reported.</summary>
    public const string StoreFailed = "StoreFailed";

    /// <summary>Set-TbStorage was given settings that do not fit the location's kind of store, or no prefix.</summary>
    public const string InvalidStorageSettings = "InvalidStorageSettings";

    /// <summary>A cmdlet that works on local files only was given an object-store location.</summary>
    public const string StoreNotSupported = "StoreNotSupported";
}
