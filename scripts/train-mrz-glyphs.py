#!/usr/bin/python3
"""Train the MRZ glyph classifier (step 2 of scripts/train-mrz-glyphs.sh) with Debian's torch (CPU, 1 thread).

Reads the cells written by scripts/train-mrz-glyphs.ts and writes the weights in the small format loaded
by service/document/classifier.ts: models/mrz/glyphs.bin (float32 little-endian, tfjs layouts: conv kernels
[kh,kw,in,out], dense [in,out], the first dense reordered from NCHW to NHWC flatten order) and
models/mrz/glyphs.json (architecture, tensor names and shapes).

  /usr/bin/python3 scripts/train-mrz-glyphs.py --data /tmp/mrz-train --out models/mrz --seed 1
"""
import argparse, json, os, random, time
import numpy as np
import torch
import torch.nn as nn

ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<'
H, W = 32, 20


class Net(nn.Module):
    def __init__(self, width=1.0):
        super().__init__()
        f1, f2, f3, d = (int(round(x * width)) for x in (16, 32, 64, 128))
        self.c1 = nn.Conv2d(1, f1, 3, padding=1)
        self.c2 = nn.Conv2d(f1, f2, 3, padding=1)
        self.c3 = nn.Conv2d(f2, f3, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.d1 = nn.Linear(f3 * 4 * 2, d)
        self.d2 = nn.Linear(d, len(ALPHABET))
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        x = self.pool(torch.relu(self.c1(x)))
        x = self.pool(torch.relu(self.c2(x)))
        x = self.pool(torch.relu(self.c3(x)))
        x = torch.flatten(x, 1)
        x = self.drop(torch.relu(self.d1(x)))
        return self.d2(x)


def load(path, split):
    x = np.fromfile(os.path.join(path, f'{split}.bin'), dtype=np.uint8).reshape(-1, 1, H, W)
    y = np.fromfile(os.path.join(path, f'{split}.labels'), dtype=np.uint8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def shift(xb, g, p=0.5, dx=2, dy=1):
    """Move a share p of the cells by up to dx columns and dy rows (cells are never cut exactly centred)."""
    n = len(xb)
    sx = torch.randint(-dx, dx + 1, (n,), generator=g)
    sy = torch.randint(-dy, dy + 1, (n,), generator=g)
    keep = torch.rand(n, generator=g) >= p
    sx[keep] = 0
    sy[keep] = 0
    padded = torch.nn.functional.pad(xb, (dx, dx, dy, dy))
    out = torch.empty_like(xb)
    for ox in range(-dx, dx + 1):
        for oy in range(-dy, dy + 1):
            m = (sx == ox) & (sy == oy)
            if m.any():
                out[m] = padded[m, :, dy + oy:dy + oy + H, dx + ox:dx + ox + W]
    return out


def accuracy(model, x, y):
    model.eval()
    ok = 0
    with torch.no_grad():
        for i in range(0, len(x), 2048):
            ok += (model(x[i:i + 2048].float() / 255).argmax(1) == y[i:i + 2048]).sum().item()
    model.train()
    return ok / len(x)


def dense1_nhwc(w):
    d, f3 = w.shape[0], w.shape[1] // 8
    return w.reshape(d, f3, 4, 2).transpose(2, 3, 1, 0).reshape(8 * f3, d)


def tfjs_tensors(model):
    """The weights as (name, float32 array) in tfjs layouts, in the order of glyphs.json."""
    sd = {k: v.detach().cpu().numpy().astype('<f4') for k, v in model.state_dict().items()}
    tensors = [
        ('conv1/kernel', sd['c1.weight'].transpose(2, 3, 1, 0)), ('conv1/bias', sd['c1.bias']),
        ('conv2/kernel', sd['c2.weight'].transpose(2, 3, 1, 0)), ('conv2/bias', sd['c2.bias']),
        ('conv3/kernel', sd['c3.weight'].transpose(2, 3, 1, 0)), ('conv3/bias', sd['c3.bias']),
        # torch flattens (c,h,w); tfjs flattens NHWC as (h,w,c).
        ('dense1/kernel', dense1_nhwc(sd['d1.weight'])),
        ('dense1/bias', sd['d1.bias']),
        ('dense2/kernel', sd['d2.weight'].T), ('dense2/bias', sd['d2.bias']),
    ]
    return tensors


def flat(tensors):
    return np.concatenate([np.ascontiguousarray(t, dtype='<f4').ravel() for _, t in tensors])


def export(tensors, out, blob=None):
    """Write glyphs.bin (the tensors, or `blob`: the same layout flattened) and glyphs.json."""
    if blob is None:
        blob = flat(tensors)
    blob = np.ascontiguousarray(blob, dtype='<f4').tobytes()
    with open(os.path.join(out, 'glyphs.bin'), 'wb') as f:
        f.write(blob)
    meta = {
        'format': 'idv-mrz-glyphs/1',
        'input': {'height': H, 'width': W, 'channels': 1, 'scale': 'ink 0..1 (0 = background)'},
        'classes': ALPHABET,
        'architecture': 'conv3x3({},same)-relu-maxpool2, conv3x3({})-relu-maxpool2, conv3x3({})-relu-maxpool2, '
                        'flatten(NHWC), dense({})-relu, dense(37)-softmax'.format(
                            *(t.shape[-1] for n, t in tensors if n.endswith('/kernel'))),
        'weights': [{'name': n, 'shape': list(t.shape)} for n, t in tensors],
    }
    with open(os.path.join(out, 'glyphs.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='/tmp/mrz-train')
    ap.add_argument('--out', default='models/mrz')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--epochs', type=int, default=8)
    # Stop early inside the schedule: the weights at the top of the one-cycle learning rate generalise
    # better to real printed MRZs than the annealed ones (see models/mrz/README.md).
    ap.add_argument('--stop-after', type=int, default=0, help='stop after this many epochs (0 = all)')
    ap.add_argument('--label-smoothing', type=float, default=0.05)
    ap.add_argument('--width', type=float, default=1.0, help='layer width multiplier (1 = 16/32/64 filters, dense 128)')
    ap.add_argument('--average-from', type=int, default=0,
                    help='export the average of the weights after each epoch from this one on (0 = last weights)')
    ap.add_argument('--save-epochs', default='', help='also export every epoch to DIR/epN (to compare checkpoints)')
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    np.random.seed(a.seed)
    xtr, ytr = load(a.data, 'train')
    xva, yva = load(a.data, 'val')
    print(f'train {len(xtr)} cells, val {len(xva)}', flush=True)
    model = Net(a.width)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = a.epochs * ((len(xtr) + 255) // 256)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    lossf = nn.CrossEntropyLoss(label_smoothing=a.label_smoothing)
    g = torch.Generator().manual_seed(a.seed)
    t0 = time.time()
    averaged = []
    for ep in range(a.epochs):
        perm = torch.randperm(len(xtr), generator=g)
        tot = 0.0
        for i in range(0, len(xtr), 256):
            idx = perm[i:i + 256]
            xb = xtr[idx].float() / 255
            # Random contrast scaling: inputs are contrast-normalised, but not perfectly.
            xb = xb * (0.7 + 0.3 * torch.rand(len(xb), 1, 1, 1, generator=g))
            xb = shift(xb, g)
            loss = lossf(model(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
        print(f'epoch {ep + 1}: loss {tot / len(xtr):.4f} val_acc {accuracy(model, xva, yva):.4f} '
              f'({time.time() - t0:.0f}s)', flush=True)
        # Export after every epoch so that an interrupted run still leaves usable weights.
        os.makedirs(a.out, exist_ok=True)
        tensors = tfjs_tensors(model)
        export(tensors, a.out)
        if a.average_from and ep + 1 >= a.average_from:
            averaged.append(flat(tensors))
        if a.save_epochs:
            d = os.path.join(a.save_epochs, f'ep{ep + 1}')
            os.makedirs(d, exist_ok=True)
            export(tensors, d)
        if a.stop_after and ep + 1 >= a.stop_after:
            break
    if averaged:
        # Weight averaging over the later epochs (no batch norm here, so the average is a plain mean).
        export(tensors, a.out, np.mean(averaged, axis=0).astype('<f4'))
        print(f'averaged the weights of {len(averaged)} epochs', flush=True)
    print('wrote', os.path.join(a.out, 'glyphs.bin'), flush=True)


if __name__ == '__main__':
    main()
