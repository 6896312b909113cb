// Framework classes a checkpoint is expected to name: recorded, not alarming. Exact (module, class) entries only:
// a function or an unlisted class of the same package is `unknown` (or dangerous by pickle-safety-tables.ts).
// Sources: the `pickle_globals` of the real fixtures (Lightning 1.9/2.x + omegaconf, timm, Ultralytics 8.0/8.3
// whole-model pickles, DeepSpeed, torch DCP, Accelerate, HF), fickling `fickling/ml.py` `ML_ALLOWLIST`, and each
// package's own module (`ultralytics/nn/modules/*.py` `__all__`, `torch/nn/modules/*.py`).

type ByModule = Readonly<Record<string, readonly string[]>>;

/**
 * Enum classes whose members Python ≥ 3.11 pickles as `getattr(Class, 'NAME')`: the only targets the
 * enum form of getattr may name (pickle-stack-model.ts judges each call site).
 */
const enumClassesByModule: ByModule = {
  "deepspeed.runtime.zero.config": ["ZeroStageEnum"],
  "torch.distributed._shard.sharded_tensor.metadata": ["MEM_FORMAT_ENCODING"],
  // torch ≥ 2.0 DCP `TensorProperties.__getstate__` (torch/distributed/checkpoint/metadata.py).
  "torch.distributed.checkpoint.metadata": ["_MEM_FORMAT_ENCODING"],
  "transformers.trainer_utils": [
    ...["IntervalStrategy", "SchedulerType", "HubStrategy", "EvaluationStrategy", "FSDPOption"],
    ...["SaveStrategy", "ShardedDDPOption"],
  ],
  "transformers.training_args": ["OptimizerNames"],
  "transformers.debug_utils": ["DebugOption"],
  "accelerate.utils.dataclasses": ["DistributedType"],
  "sentence_transformers.training_args": ["BatchSamplers", "MultiDatasetBatchSamplers"],
  "trl.trainer.dpo_config": ["FDivergenceType"],
};

const ultralyticsBlocks = [
  ...["DFL", "HGBlock", "HGStem", "SPP", "SPPF", "C1", "C2", "C3", "C2f", "C2fAttn", "ImagePoolingAttn"],
  ...["ContrastiveHead", "BNContrastiveHead", "C3x", "C3TR", "C3Ghost", "GhostBottleneck", "Bottleneck"],
  ...[
    "BottleneckCSP",
    "Proto",
    "RepC3",
    "ResNetBlock",
    "ResNetLayer",
    "MaxSigmoidAttnBlock",
    "RepBottleneck",
  ],
  ...["RepCSP", "RepNCSPELAN4", "ELAN1", "AConv", "ADown", "SPPELAN", "CBFuse", "CBLinear", "C3k2", "C3k"],
  ...[
    "C2fPSA",
    "C2PSA",
    "RepVGGDW",
    "CIB",
    "C2fCIB",
    "Attention",
    "PSA",
    "PSABlock",
    "SCDown",
    "TorchVision",
  ],
  ...["AAttn", "ABlock", "A2C2f"],
];

const frameworkClassesByModule: ByModule = {
  // Lightning: hparams containers (≤ 1.x) and callback classes used as `callbacks` keys (≤ 1.4).
  "pytorch_lightning.utilities.parsing": ["AttributeDict"],
  "lightning.pytorch.utilities.parsing": ["AttributeDict"],
  "lightning_fabric.utilities.data": ["AttributeDict"],
  "lightning.fabric.utilities.data": ["AttributeDict"],
  "pytorch_lightning.callbacks.model_checkpoint": ["ModelCheckpoint"],
  "pytorch_lightning.callbacks.early_stopping": ["EarlyStopping"],
  // omegaconf DictConfig hparams (Hydra).
  "omegaconf.dictconfig": ["DictConfig"],
  "omegaconf.listconfig": ["ListConfig"],
  "omegaconf.base": ["ContainerMetadata", "Metadata"],
  "omegaconf.nodes": [
    ...["AnyNode", "StringNode", "IntegerNode", "FloatNode", "BooleanNode", "EnumNode", "BytesNode"],
    "PathNode",
  ],
  typing: ["Any"],
  argparse: ["Namespace"],
  // Ultralytics whole-model pickles.
  "ultralytics.nn.tasks": [
    ...["BaseModel", "DetectionModel", "OBBModel", "SegmentationModel", "PoseModel", "ClassificationModel"],
    ...["RTDETRDetectionModel", "WorldModel", "YOLOEModel", "YOLOESegModel", "Ensemble"],
  ],
  "ultralytics.nn.modules.block": ultralyticsBlocks,
  "ultralytics.nn.modules.conv": [
    ...["Conv", "Conv2", "LightConv", "DWConv", "DWConvTranspose2d", "ConvTranspose", "Focus", "GhostConv"],
    ...["ChannelAttention", "SpatialAttention", "CBAM", "Concat", "RepConv", "Index"],
  ],
  "ultralytics.nn.modules.head": [
    ...["Detect", "Segment", "Pose", "Classify", "OBB", "RTDETRDecoder", "WorldDetect", "v10Detect"],
    ...["YOLOEDetect", "YOLOESegment", "LRPCHead"],
  ],
  "ultralytics.nn.modules.transformer": [
    ...["TransformerEncoderLayer", "TransformerLayer", "TransformerBlock", "MLPBlock", "MLP", "LayerNorm2d"],
    ...["AIFI", "DeformableTransformerDecoder", "DeformableTransformerDecoderLayer", "MSDeformAttn"],
  ],
  "ultralytics.utils": ["IterableSimpleNamespace"],
  "ultralytics.utils.loss": [
    ...["BboxLoss", "DFLoss", "RotatedBboxLoss", "KeypointLoss", "VarifocalLoss", "FocalLoss"],
    ...["v8DetectionLoss", "v8SegmentationLoss", "v8PoseLoss", "v8ClassificationLoss", "v8OBBLoss"],
    "E2EDetectLoss",
  ],
  "ultralytics.utils.tal": ["TaskAlignedAssigner", "RotatedTaskAlignedAssigner"],
  // torch.nn layers inside whole-model pickles.
  "torch.nn.modules.activation": [
    ...["ReLU", "ReLU6", "SiLU", "GELU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Softplus"],
    ...["Hardswish", "Hardsigmoid", "Mish", "PReLU", "ELU", "MultiheadAttention"],
  ],
  "torch.nn.modules.linear": ["Linear", "Identity", "NonDynamicallyQuantizableLinear", "Bilinear"],
  "torch.nn.modules.conv": [
    ...["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"],
  ],
  "torch.nn.modules.batchnorm": ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"],
  "torch.nn.modules.normalization": ["LayerNorm", "GroupNorm", "LocalResponseNorm", "RMSNorm"],
  "torch.nn.modules.instancenorm": ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"],
  "torch.nn.modules.pooling": [
    ...["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d"],
    ...[
      "AdaptiveAvgPool1d",
      "AdaptiveAvgPool2d",
      "AdaptiveAvgPool3d",
      "AdaptiveMaxPool1d",
      "AdaptiveMaxPool2d",
    ],
  ],
  "torch.nn.modules.dropout": ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"],
  "torch.nn.modules.container": ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"],
  "torch.nn.modules.upsampling": ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"],
  "torch.nn.modules.sparse": ["Embedding", "EmbeddingBag"],
  "torch.nn.modules.flatten": ["Flatten", "Unflatten"],
  "torch.nn.modules.pixelshuffle": ["PixelShuffle", "PixelUnshuffle"],
  "torch.nn.modules.rnn": ["LSTM", "GRU", "RNN"],
  "torch.nn.modules.loss": [
    ...["BCEWithLogitsLoss", "BCELoss", "CrossEntropyLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "NLLLoss"],
    ...["HuberLoss", "KLDivLoss"],
  ],
  // DeepSpeed optimizer and model states.
  "deepspeed.runtime.fp16.loss_scaler": ["LossScaler", "DynamicLossScaler"],
  "deepspeed.utils.tensor_fragment": ["fragment_address"],
  // torch distributed checkpoint (DCP) `.metadata`, torch 1.13 and ≥ 2.0 module paths.
  "torch.distributed._shard.checkpoint.metadata": [
    ...["Metadata", "MetadataIndex", "TensorStorageMetadata", "BytesStorageMetadata", "ChunkStorageMetadata"],
  ],
  "torch.distributed.checkpoint.metadata": [
    ...["Metadata", "MetadataIndex", "TensorStorageMetadata", "BytesStorageMetadata", "ChunkStorageMetadata"],
    ...["TensorProperties", "StorageMeta"],
  ],
  "torch.distributed._shard.checkpoint.filesystem": ["_StorageInfo"],
  "torch.distributed.checkpoint.filesystem": ["_StorageInfo"],
  "torch.distributed._shard.sharded_tensor.metadata": ["TensorProperties", "ShardedTensorMetadata"],
  "torch.distributed._shard.metadata": ["ShardMetadata"],
  // Hugging Face Trainer `training_args.bin`, Accelerate (fickling ML_ALLOWLIST).
  "transformers.training_args": ["TrainingArguments"],
  "transformers.training_args_seq2seq": ["Seq2SeqTrainingArguments"],
  "transformers.trainer_pt_utils": ["AcceleratorConfig"],
  "transformers.integrations.deepspeed": ["HfTrainerDeepSpeedConfig", "HfDeepSpeedConfig"],
  "accelerate.utils.dataclasses": ["DeepSpeedPlugin"],
  "accelerate.utils.deepspeed": ["HfDeepSpeedConfig"],
  "accelerate.state": ["PartialState"],
};

function flatten(byModule: ByModule): Set<string> {
  return new Set(
    Object.entries(byModule).flatMap(([module, names]) => names.map((name) => `${module}.${name}`)),
  );
}

/** `module.Class` of the enum classes the getattr enum form may name. */
export const enumClasses: ReadonlySet<string> = flatten(enumClassesByModule);

/** `module.Class` of expected framework classes (enum classes included). */
export const frameworkClasses: ReadonlySet<string> = new Set([
  ...flatten(frameworkClassesByModule),
  ...enumClasses,
]);
