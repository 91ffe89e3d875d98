"""Plausible wrong answers, at least one per checked exercise: each must fail its public check and its hidden test.

Each is code run in a copy of the worked solution's namespace (so it may reuse the solution's helpers), redefining
the names the exercise's check reads.
"""

WRONG_ANSWERS: dict[tuple[str, str], dict[str, str]] = {
    ("7.1", "4"): {"one layer per word": "layers_needed = 19", "off by one": "layers_needed = 9"},
    ("7.1", "5"): {
        "counted with padding": """
X = torch.ones(1, 1, 8, 8, requires_grad=True)
F.conv2d(X, torch.ones(1, 1, 3, 3), padding=1).sum().backward()
coverage = X.grad[0, 0]
""",
        "the output's shape": "coverage = torch.full((6, 6), 9.0)",
    },
    ("7.2", "2.1"): {"transposed kernel": "def edge_kernel(v):\n    return v[0] * D_x.t() + v[1] * D_x"},
    ("7.2", "2.2"): {
        "first derivative": "second = torch.tensor([[-1.0, 1.0]])",
        "sign flipped": "second = torch.tensor([[-1.0, 2.0, -1.0]])",
    },
    ("7.2", "4"): {
        "transposed kernel": """
def corr2d_im2col(X, K):
    kh, kw = K.shape
    patches = X.unfold(0, kh, 1).unfold(1, kw, 1)
    out_h, out_w = patches.shape[:2]
    return (patches.reshape(out_h * out_w, kh * kw) @ K.t().reshape(-1)).reshape(out_h, out_w)
""",
    },
    ("7.3", "3"): {
        "repeats the edge": "_right = mirror_pad\n\ndef mirror_pad(X, padding):\n    return _right(X, padding, True)",
        "replicate": "def mirror_pad(X, padding):\n    return F.pad(X[None], (padding,) * 4, mode='replicate')[0]",
    },
    ("7.3", "4"): {
        "ignores the stride": """
def conv_macs(n, k, padding, s, c_in, c_out):
    out = n - k + 2 * padding + 1
    return out * out * k * k * c_in * c_out
""",
    },
    ("7.3", "6"): {
        "a zero after the last entry too": """
def zero_insert(X, s=2):
    Z = X.new_zeros(X.shape[:-1] + (X.shape[-1] * s,))
    Z[..., ::s] = X
    return Z
""",
    },
    ("7.4", "1"): {
        "correlation, no flip": """
def full_conv2d(A, B):
    ph, pw = B.shape[0] - 1, B.shape[1] - 1
    return F.conv2d(F.pad(A, (pw, pw, ph, ph))[None, None], B[None, None])[0, 0]
""",
    },
    ("7.4", "5"): {
        "ignores the stride": "_right = conv2d_matmul\n\ndef conv2d_matmul(X, W, pad=(0, 0), stride=(1, 1)):\n"
        "    return _right(X, W, pad)",
    },
    ("7.4", "7"): {
        "groups and members swapped": """
class ChannelShuffle(nn.Module):
    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, X):
        n, c, h, w = X.shape
        return X.reshape(n, c // self.groups, self.groups, h, w).transpose(1, 2).reshape(n, c, h, w)
""",
    },
    ("7.5", "1"): {
        "a max where a mean belongs": "def avg_pool_as_conv(X, pool_size, stride=None, padding=0):\n"
        "    return F.max_pool2d(X, pool_size, stride=stride, padding=padding)",
        "divides by p_h + p_w": """
def avg_pool_as_conv(X, pool_size, stride=None, padding=0):
    c, (p_h, p_w) = X.shape[1], pool_size
    weight = torch.full((c, 1, p_h, p_w), 1.0 / (p_h + p_w))
    return F.conv2d(X, weight, stride=pool_size if stride is None else stride, padding=padding, groups=c)
""",
    },
    ("7.5", "3"): {
        "forgets ReLU(-b)": """
_right = MaxPoolFromReLU

def MaxPoolFromReLU(channels, pool_size, stride=None):
    net = _right(channels, pool_size, stride)
    for pair in net:
        pair.gather.weight.data[:, 2] = 0.0
    return net
""",
        "max pooling itself": "def MaxPoolFromReLU(channels, pool_size, stride=None):\n"
        "    return nn.Sequential(nn.MaxPool2d(pool_size, stride=stride))",
    },
    ("7.5", "6"): {
        "one sign missing": "def min_pool(X, pool_size, stride=None, padding=0):\n"
        "    return F.max_pool2d(-X, pool_size, stride=stride, padding=padding)",
    },
    ("7.5", "7"): {
        "ignores T": "_right = softmax_pool2d\n\ndef softmax_pool2d(X, pool_size, stride=None, T=1.0):\n"
        "    return _right(X, pool_size, stride)",
        "overflows": """
def softmax_pool2d(X, pool_size, stride=None, T=1.0):
    (p_h, p_w), (s_h, s_w) = pool_size, pool_size if stride is None else stride
    windows = X.unfold(2, p_h, s_h).unfold(3, p_w, s_w).flatten(-2)
    weights = torch.exp(windows / T) / torch.exp(windows / T).sum(-1, keepdim=True)
    return (weights * windows).sum(-1)
""",
    },
    ("7.6", "1"): {
        "ReLU only": "relu_max = d2l.LeNet(act=nn.ReLU)",
        "ReLU on the scores": "relu_max = nn.Sequential(d2l.LeNet(act=nn.ReLU, pool=nn.MaxPool2d).net, nn.ReLU())",
    },
    ("7.6", "2"): {
        "Xavier": "def he_init(m):\n    if isinstance(m, nn.Linear | nn.Conv2d):\n"
        "        nn.init.xavier_uniform_(m.weight)",
        "fan_out": "def he_init(m):\n    if isinstance(m, nn.Linear | nn.Conv2d):\n"
        "        nn.init.kaiming_uniform_(m.weight, mode='fan_out', nonlinearity='relu')",
    },
    ("8.2", "1"): {
        "four convolutions": """
def alexnet(num_classes=10):
    return nn.Sequential(
        nn.LazyConv2d(96, kernel_size=11, stride=4, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.LazyConv2d(256, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.LazyConv2d(384, kernel_size=3, padding=1), nn.ReLU(),
        nn.LazyConv2d(256, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2), nn.Flatten(),
        nn.LazyLinear(4096), nn.ReLU(), nn.Dropout(0.5), nn.LazyLinear(4096), nn.ReLU(), nn.Dropout(0.5),
        nn.LazyLinear(num_classes),
    )
""",
    },
    ("8.2", "3"): {
        "VGG-19 off by one": 'vgg_archs = {**vgg_archs, "VGG-19": ((2, 64), (2, 128), (3, 256), (4, 512), (4, 512))}',
    },
    ("8.6", "2"): {
        "no pooling in the stem": """
_right = resnet

def resnet(block, blocks_per_stage, num_classes=10):
    return nn.Sequential(*[m for m in _right(block, blocks_per_stage, num_classes) if not isinstance(m, nn.MaxPool2d)])
""",
    },
    ("8.6", "3"): {
        "3x3 first convolution": """
class Bottleneck(BasicBlock):
    expansion = 4

    def __init__(self, width, stride=1, project=False):
        super().__init__(width, stride, project)
        self.branch = nn.Sequential(
            nn.LazyConv2d(width, 3, padding=1, bias=False), nn.LazyBatchNorm2d(), nn.ReLU(),
            nn.LazyConv2d(width, 3, stride=stride, padding=1, bias=False), nn.LazyBatchNorm2d(), nn.ReLU(),
            nn.LazyConv2d(width * 4, 1, bias=False), nn.LazyBatchNorm2d(),
        )
""",
    },
    ("8.6", "4"): {
        "keeps the final ReLU": """
_right = PreActResidual

class PreActResidual(_right):
    def forward(self, X):
        return F.relu(super().forward(X))
""",
        "the original block": "PreActResidual = d2l.Residual",
    },
}  # fmt: skip
